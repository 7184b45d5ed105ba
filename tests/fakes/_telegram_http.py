"""The HTTP side of the fake Telegram server: routing, bodies, dropped connections.

The Bot API behaviour lives in `tests.fakes._telegram_api`, the scripting and the
records in `tests.fakes.telegram.FakeTelegram`, which this module reaches through the
`Backend` protocol.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from tests.fakes._telegram_api import Reply, error, parse_params

__all__ = ["Backend", "Server", "client_left"]


class Backend(Protocol):
    """What the HTTP handler needs from the fake."""

    @property
    def sent(self) -> list[Any]: ...

    def handle(
        self, token: str, method: str, params: dict[str, Any], conn: socket.socket
    ) -> Reply: ...

    def script(self, action: dict[str, Any]) -> None: ...

    def reset(self) -> None: ...

    def max_per_second(self, chat_id: int | str | None = None) -> int: ...


def client_left(conn: socket.socket, seconds: float, stopping: threading.Event) -> bool:
    """Wait `seconds`; True as soon as the client closes the connection (or we stop)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if stopping.is_set():
            return True
        readable, _, _ = select.select([conn], [], [], min(left, 0.05))
        if readable:
            try:
                if conn.recv(1, socket.MSG_PEEK) == b"":
                    return True
            except OSError:
                return True
            time.sleep(min(left, 0.05))  # bytes waiting, not a close: keep holding
    return False


class Server(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 serving a `Backend`."""

    daemon_threads = True

    def __init__(self, backend: Backend, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = backend


class _Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    # Headers and body go out in two writes; with Nagle's algorithm on, the second
    # waits for a delayed ACK and every call takes ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet: pytest shows failures, not access logs."""

    def do_GET(self) -> None:
        """Serve `/_fake/sent`, or a Bot API call with its parameters in the query."""
        url = urlsplit(self.path)
        fake = self.server.fake
        if url.path == "/_fake/sent":
            self._reply(Reply(200, {"sent": [asdict(c) for c in fake.sent]}))
        elif url.path == "/_fake/stats":
            chat = dict(parse_qsl(url.query)).get("chat_id")
            self._reply(Reply(200, {"max_per_second": fake.max_per_second(chat)}))
        else:
            self._api(url.path, dict(parse_qsl(url.query)))

    def do_POST(self) -> None:
        """Serve a Bot API call or `/_fake/script`."""
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path == "/_fake/reset":
            self.server.fake.reset()
            self._reply(Reply(200, {"ok": True}))
            return
        if path == "/_fake/script":
            try:
                self.server.fake.script(json.loads(body))
            except (ValueError, TypeError) as exc:
                self._reply(error(400, f"fake: {exc}"))
                return
            self._reply(Reply(200, {"ok": True}))
            return
        try:
            params = parse_params(self.headers.get("Content-Type", ""), body)
        except ValueError as exc:
            self._reply(error(400, f"Bad Request: {exc}"))
            return
        self._api(path, params)

    def _api(self, path: str, params: dict[str, Any]) -> None:
        prefix, _, method = path.rpartition("/")
        if not prefix.startswith("/bot") or not method:
            self._reply(error(404, "Not Found"))
            return
        reply = self.server.fake.handle(prefix[len("/bot") :], method, params, self.connection)
        if reply.status:
            self._reply(reply)
        else:
            self.close_connection = True

    def _reply(self, reply: Reply) -> None:
        body = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client gave up; nothing to tell it
