"""A fake Twilio REST API: a real HTTP server on 127.0.0.1 that twilio-python can talk to.

It speaks `POST /2010-04-01/Accounts/{sid}/Messages.json` the way Twilio does (Basic
auth, form-encoded, 201 with a Message JSON, 4xx with Twilio's error JSON) and records
every message it accepts. Tests script failures:

    with FakeTwilio() as fake:
        channel = TwilioSMS(fake.account_sid, fake.auth_token, "+14155550100",
                            api_base=fake.base_url)
        fake.fail_next(status=429, code=20429, retry_after=2)
        fake.hang_next(3)              # hold the next request 3 s
        fake.fail_next(status=400, code=21610, to="+14155550123", times=None)
        ...
        fake.wait_for(1)

Other processes (workers under test) reach the same state over HTTP:
`GET /_fake/messages`, `GET /_fake/stats`, `POST /_fake/script` (a JSON rule or list of
rules, keys as `Rule`'s fields, or `{"rules": [...], "reset": true}`), `POST /_fake/reset`.
Run it alone with `python -m tests.fakes.twilio [port]`.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakes._twilio_http import Handler

__all__ = ["FakeMessage", "FakeTwilio", "Rule"]

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake_auth_token_0123456789abcdef"


@dataclass(frozen=True)
class FakeMessage:
    """One message the fake accepted, with its form parameters as Twilio received them."""

    sid: str
    account_sid: str
    params: dict[str, list[str]]
    received_at: float  # time.time() when the request arrived
    status: str

    def get(self, name: str) -> str | None:
        """The first value of parameter `name`, or None."""
        values = self.params.get(name)
        return values[0] if values else None

    @property
    def to(self) -> str:
        return self.get("To") or ""

    @property
    def from_(self) -> str | None:
        return self.get("From")

    @property
    def body(self) -> str | None:
        return self.get("Body")

    @property
    def media_urls(self) -> list[str]:
        return list(self.params.get("MediaUrl", []))

    @property
    def content_variables(self) -> dict[str, Any] | None:
        raw = self.get("ContentVariables")
        return json.loads(raw) if raw else None

    @property
    def sender(self) -> str:
        """Who sent it: the From number, or the Messaging Service."""
        return self.from_ or self.get("MessagingServiceSid") or ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Rule:
    """A scripted answer for the next matching request(s), applied before validation."""

    status: int | None = None  # None: no failure (a hang alone)
    code: int | None = None
    message: str | None = None
    retry_after: float | None = None  # sent as a Retry-After header
    hang: float = 0.0  # seconds to hold the request first
    times: int | None = 1  # None: every matching request, until reset
    to: str | None = None  # only requests to this recipient

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown rule keys: {sorted(unknown)}")
        return cls(**dict(data))


_DEFAULT_CODES = {401: 20003, 404: 20404, 429: 20429}


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    messages: list[FakeMessage] = field(default_factory=list)
    attempts: list[tuple[float, str, int]] = field(default_factory=list)  # (time, To, status)
    rules: list[Rule] = field(default_factory=list)
    held: int = 0  # requests being held by a hang rule right now


class FakeTwilio:
    """The fake server; `start()`/`stop()` or use it as a context manager."""

    def __init__(
        self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN, port: int = 0
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.port = port  # 0: any free port
        self.stopping = threading.Event()
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeTwilio:
        """Listen on 127.0.0.1 (a free port unless one was given) and serve in a thread."""
        self.stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.block_on_close = False  # a hung request must not block stop()
        server.fake = self  # type: ignore[attr-defined]  # how Handler finds its fake
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; hung requests are let go."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API base to give twilio-python (`client.api.base_url`)."""
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- scripting ---------------------------------------------------------------------
    def fail_next(
        self,
        status: int = 500,
        code: int | None = None,
        retry_after: float | None = None,
        times: int | None = 1,
        to: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` requests (to `to`, if given) with this error."""
        if code is None:
            code = _DEFAULT_CODES.get(status, 20500 if status >= 500 else None)
        self.script([Rule(status, code, message, retry_after, 0.0, times, to)])

    def hang_next(self, seconds: float, times: int | None = 1, to: str | None = None) -> None:
        """Hold the next `times` requests for `seconds`, then answer them normally."""
        self.script([Rule(hang=seconds, times=times, to=to)])

    def script(self, rules: Iterable[Rule]) -> None:
        """Append rules; the first rule matching a request is used (and counted down)."""
        with self._state.lock:
            self._state.rules.extend(rules)

    def script_json(self, data: Any) -> int:
        """Apply a `POST /_fake/script` body: a rule, a list, or {"rules": [...], "reset": b}."""
        reset = False
        if isinstance(data, Mapping) and "rules" in data:
            reset, data = bool(data.get("reset", False)), data["rules"]
        items = data if isinstance(data, list) else [data]
        rules = [Rule.from_json(item) for item in items]
        if reset:
            self.reset()
        self.script(rules)
        return len(rules)

    def reset(self) -> None:
        """Forget messages, attempts and rules."""
        with self._state.lock:
            self._state.messages.clear()
            self._state.attempts.clear()
            self._state.rules.clear()

    # -- inspection --------------------------------------------------------------------
    @property
    def messages(self) -> list[FakeMessage]:
        """The accepted messages, oldest first (a copy)."""
        with self._state.lock:
            return list(self._state.messages)

    @property
    def attempts(self) -> list[tuple[float, str, int]]:
        """Every Messages request as (time, To, HTTP status); status 0: client went away."""
        with self._state.lock:
            return list(self._state.attempts)

    def wait_holding(self, n: int = 1, timeout: float = 5.0) -> None:
        """Block until `n` requests are being held by hang rules; AssertionError after `timeout`.

        A held request has reached the provider, which has not accepted it yet.
        """
        with self._state.lock:
            if not self._state.lock.wait_for(lambda: self._state.held >= n, timeout):
                raise AssertionError(f"fake Twilio holds {self._state.held} requests, "
                                     f"expected {n}")

    def wait_for(self, n: int, timeout: float = 5.0) -> list[FakeMessage]:
        """Block until at least `n` messages were accepted; AssertionError after `timeout`."""
        with self._state.lock:
            if not self._state.lock.wait_for(lambda: len(self._state.messages) >= n, timeout):
                got = len(self._state.messages)
                raise AssertionError(f"fake Twilio got {got} messages, expected {n}")
            return list(self._state.messages)

    def max_per_second(self, sender: str) -> int:
        """The most messages `sender` got accepted within any one-second window."""
        times = sorted(m.received_at for m in self.messages if m.sender == sender)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def stats(self) -> dict[str, Any]:
        """Counts for `GET /_fake/stats`: messages, attempts, max per second by sender."""
        senders = {m.sender for m in self.messages}
        return {
            "messages": len(self.messages),
            "attempts": len(self.attempts),
            "max_per_second": {s: self.max_per_second(s) for s in sorted(senders)},
        }

    # -- used by the request handler ---------------------------------------------------
    def take_rule(self, to: str) -> Rule | None:
        """The first live rule matching recipient `to`, counted down by one use."""
        with self._state.lock:
            for rule in self._state.rules:
                if rule.to not in (None, to):
                    continue
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._state.rules.remove(rule)
                return rule
        return None

    def holding(self, hold: Callable[[float], bool], seconds: float) -> bool:
        """Run the handler's `hold(seconds)`, counted in `held` meanwhile; its result."""
        with self._state.lock:
            self._state.held += 1
            self._state.lock.notify_all()
        try:
            return hold(seconds)
        finally:
            with self._state.lock:
                self._state.held -= 1

    def record_attempt(self, arrived: float, to: str, status: int) -> None:
        with self._state.lock:
            self._state.attempts.append((arrived, to, status))

    def accept(
        self, account_sid: str, params: dict[str, list[str]], arrived: float
    ) -> FakeMessage:
        """Record a message Twilio would create; its status as Twilio's first one."""
        service = bool(params.get("MessagingServiceSid"))
        sid = "SM" + secrets.token_hex(16)
        message = FakeMessage(
            sid, account_sid, params, arrived, "accepted" if service else "queued"
        )
        with self._state.lock:
            self._state.messages.append(message)
            self._state.lock.notify_all()
        return message


def main(argv: list[str] | None = None) -> None:
    """Serve a fake on 127.0.0.1 until interrupted, printing its base URL."""
    args = sys.argv[1:] if argv is None else argv
    fake = FakeTwilio(port=int(args[0]) if args else 0).start()
    print(fake.base_url, flush=True)
    try:
        fake.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
