"""The fake Twilio's HTTP side: request handling and Twilio-like validation of a message.

Error codes follow Twilio's where PROVIDERS.md verifies them (21211, 21604, 21603,
21654, 21602, 21617, 20003, 20429); 21910 (From/To channel mismatch), 21656 (bad
ContentVariables JSON), 21620 (bad media URL) and 21609 (bad StatusCallback) are
Twilio's numbers as remembered, good enough for a fake.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import select
import socket
import time
from collections.abc import Mapping
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from channels.gsm import segments

if TYPE_CHECKING:
    from tests.fakes.twilio import FakeMessage, FakeTwilio

_MESSAGES = re.compile(r"/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})/Messages\.json")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_TEXTS = {
    400: "Bad Request",
    401: "Authenticate",
    404: "The requested resource was not found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    21211: "Invalid 'To' Phone Number",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    63016: "Failed to send freeform message because you are outside the allowed window.",
}
Problem = tuple[int, int, str]  # HTTP status, Twilio code, message


def _first(params: Mapping[str, list[str]], name: str) -> str:
    values = params.get(name)
    return values[0] if values else ""


def check_message(params: Mapping[str, list[str]]) -> Problem | None:
    """What Twilio would refuse about these Messages create parameters, or None."""
    to, sender = _first(params, "To"), _first(params, "From")
    body, variables = _first(params, "Body"), _first(params, "ContentVariables")
    content_sid, media = _first(params, "ContentSid"), params.get("MediaUrl", [])
    callback = _first(params, "StatusCallback")
    if not to:
        return 400, 21604, "A 'To' phone number is required."
    if not _E164.fullmatch(to.removeprefix("whatsapp:")):
        return 400, 21211, f"Invalid 'To' Phone Number: {to}"
    if not sender and not _first(params, "MessagingServiceSid"):
        return 400, 21603, "A 'From' phone number is required."
    if sender and sender.startswith("whatsapp:") != to.startswith("whatsapp:"):
        return 400, 21910, "Invalid From and To pair. From and To should be of the same channel"
    if variables and not content_sid:
        return 400, 21654, "ContentVariables were given without a ContentSid."
    if variables:
        try:
            if not isinstance(json.loads(variables), dict):
                raise ValueError(variables)
        except ValueError:
            return 400, 21656, "The ContentVariables Parameter is invalid."
    if not (body or media or content_sid):
        return 400, 21602, "Message body is required."
    if len(body) > 1600:
        return 400, 21617, "The concatenated message body exceeds the 1600 character limit."
    if any(not url.startswith(("http://", "https://")) for url in media):
        return 400, 21620, "Invalid media URL(s)"
    if callback and not callback.startswith(("http://", "https://")):
        return 400, 21609, "Invalid StatusCallback url"
    return None


def message_json(message: FakeMessage) -> dict[str, Any]:
    """The Message resource Twilio answers a create with."""
    now = formatdate(usegmt=True)
    body = message.body or ""
    base = f"/2010-04-01/Accounts/{message.account_sid}/Messages/{message.sid}"
    whatsapp = message.to.startswith("whatsapp:")
    return {
        "account_sid": message.account_sid,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": message.from_,
        "messaging_service_sid": message.get("MessagingServiceSid"),
        "num_media": str(len(message.media_urls)),
        "num_segments": str(1 if whatsapp or not body else segments(body)),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{base}/Media.json"},
        "to": message.to,
        "uri": f"{base}.json",
    }


class Handler(BaseHTTPRequestHandler):
    """Serves one connection for the `FakeTwilio` stored on the server as `server.fake`."""

    protocol_version = "HTTP/1.1"  # keep-alive, as twilio-python's requests session expects
    # Headers and body go out in two writes; with Nagle on, the body waits for the
    # client's delayed ACK, 40 ms a request that Twilio itself does not add.
    disable_nagle_algorithm = True
    server: ThreadingHTTPServer

    @property
    def fake(self) -> FakeTwilio:
        fake: FakeTwilio = self.server.fake  # type: ignore[attr-defined]
        return fake

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: one line per request would drown test output."""

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/_fake/messages":
            self._json(200, [m.to_json() for m in self.fake.messages])
        elif path == "/_fake/stats":
            self._json(200, self.fake.stats())
        else:
            self._error(404, 20404)

    def do_POST(self) -> None:
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        if path.startswith("/_fake/"):
            self._control(path, body)
            return
        match = _MESSAGES.fullmatch(path)
        if not match:
            self._error(404, 20404)
            return
        if not self._authorized(match["sid"]):
            self._error(401, 20003)
            return
        params = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        to = _first(params, "To")
        rule = self.fake.take_rule(to)
        if rule is not None and rule.hang and not self.fake.holding(self._hold, rule.hang):
            # The client gave up (its timeout): like Twilio, nothing was created.
            self.fake.record_attempt(arrived, to, 0)
            self.close_connection = True
            return
        if rule is not None and rule.status:
            headers = {}
            if rule.retry_after is not None:
                headers["Retry-After"] = f"{rule.retry_after:g}"
            self._error(rule.status, rule.code, rule.message, headers)
            self.fake.record_attempt(arrived, to, rule.status)
            return
        problem = check_message(params)
        if problem is not None:
            self._error(problem[0], problem[1], problem[2])
            self.fake.record_attempt(arrived, to, problem[0])
            return
        message = self.fake.accept(match["sid"], params, arrived)
        self.fake.record_attempt(arrived, to, 201)
        self._json(201, message_json(message))

    def _control(self, path: str, body: bytes) -> None:
        if path == "/_fake/reset":
            self.fake.reset()
            self._json(200, {"ok": True})
            return
        if path != "/_fake/script":
            self._error(404, 20404)
            return
        try:
            count = self.fake.script_json(json.loads(body or b"null"))
        except (ValueError, TypeError, KeyError) as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, {"ok": True, "rules": count})

    def _authorized(self, sid: str) -> bool:
        scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return user == sid == self.fake.account_sid and hmac.compare_digest(
            password.encode(), self.fake.auth_token.encode()
        )

    def _hold(self, seconds: float) -> bool:
        """Wait `seconds`; False as soon as the client disconnects or the fake stops."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.fake.stopping.is_set():
                return False
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
            if not readable:
                continue
            try:
                if not self.connection.recv(1, socket.MSG_PEEK):
                    return False  # orderly close: the client timed out
            except OSError:
                return False
            time.sleep(min(left, 0.05))  # data pending (pipelining); don't spin
        return True

    def _error(
        self,
        status: int,
        code: int | None,
        text: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        text = text or _TEXTS.get(code or 0) or _TEXTS.get(status, "Error")
        payload: dict[str, Any] = {"message": text, "status": status}
        if code is not None:
            payload["code"] = code
            payload["more_info"] = f"https://www.twilio.com/docs/errors/{code}"
        self._json(status, payload, headers)

    def _json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
