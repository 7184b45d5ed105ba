"""A fake Telegram Bot API: a real HTTP server on 127.0.0.1 that python-telegram-bot can use.

    with FakeTelegram() as fake:
        channel = TelegramChannel(fake.token, "s3cret", api_base=fake.base_url)
        channel.send(Address.parse("telegram:42"), {"method": "sendMessage", "text": "hi"})
        assert fake.sent[0].params["text"] == "hi"

It speaks `POST /bot<token>/<method>` (form-encoded as PTB sends it, or JSON) for
getMe, sendMessage, sendPhoto, answerCallbackQuery, setWebhook, deleteWebhook and
getWebhookInfo, answering Telegram's envelope. Tests script failures with
`fail_next(...)` and `hang_next(...)`; other processes use `GET /_fake/sent` and
`POST /_fake/script` with `{"action": "fail_next" | "hang_next" | "reset", ...}`
(the other keys as `fail_next`'s or `hang_next`'s arguments), `POST /_fake/reset` and
`GET /_fake/stats[?chat_id=42]`. Run it alone with `python -m tests.fakes.telegram [port]`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes._telegram_api import BOT_USER, Reply, answer, error
from tests.fakes._telegram_http import Server, client_left

__all__ = ["BOT_USER", "DEFAULT_TOKEN", "Call", "FakeTelegram", "telegram_headers"]

DEFAULT_TOKEN = "123456:TEST-fake-token"


def telegram_headers(secret: str | None) -> dict[str, str]:
    """Headers (lower-cased names) of a Telegram webhook POST carrying `secret`, if any."""
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["x-telegram-bot-api-secret-token"] = secret
    return headers


@dataclass(frozen=True)
class Call:
    """One Bot API call the fake received."""

    method: str
    params: dict[str, Any]
    at: float  # the fake's clock (time.time by default) when it was answered
    status: int = 200

    @property
    def chat_id(self) -> str | None:
        """The target chat as a string, for sends."""
        chat = self.params.get("chat_id")
        return None if chat is None else str(chat)


@dataclass
class _Script:
    method: str | None  # only calls to this method match; None matches any
    times: int | None  # None: every matching call until reset()
    status: int = 200
    description: str | None = None
    retry_after: int | None = None
    hang: float = 0.0


class FakeTelegram:
    """The fake server; start()/stop() or use it as a context manager."""

    def __init__(self, token: str = DEFAULT_TOKEN, clock: Callable[[], float] = time.time) -> None:
        self.token = token
        self._clock = clock  # injectable, so rate tests need not sleep
        self._changed = threading.Condition()
        self._accepted: list[Call] = []
        self._refused: list[Call] = []
        self._abandoned: list[Call] = []
        self._scripts: list[_Script] = []
        self._state: dict[str, Any] = {"message_id": 0, "webhook": {}}
        self._stopping = threading.Event()
        self._server: Server | None = None

    def start(self, port: int = 0) -> FakeTelegram:
        """Listen on 127.0.0.1 (a free port unless given) and serve from a background thread."""
        self._stopping.clear()
        self._server = Server(self, port)
        # A short poll interval so that stop() returns quickly.
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving; requests still hanging are abandoned."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE should be, e.g. `http://127.0.0.1:40123`."""
        if self._server is None:
            raise RuntimeError("the fake is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def sent(self) -> list[Call]:
        """Every accepted call, oldest first (a snapshot)."""
        with self._changed:
            return list(self._accepted)

    @property
    def refused(self) -> list[Call]:
        """Calls answered with an error, scripted or not."""
        with self._changed:
            return list(self._refused)

    @property
    def abandoned(self) -> list[Call]:
        """Hung calls whose client disconnected before the answer: never accepted."""
        with self._changed:
            return list(self._abandoned)

    def fail_next(
        self,
        status: int = 500,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        method: str | None = None,
    ) -> None:
        """Answer the next `times` calls (to `method`, if given; all if None) with an error."""
        self._add(_Script(method, times, status, description, retry_after))

    def hang_next(
        self, seconds: float, *, times: int | None = 1, method: str | None = None
    ) -> None:
        """Hold the next `times` calls for `seconds` before answering normally."""
        self._add(_Script(method, times, hang=seconds))

    def reset(self) -> None:
        """Forget calls, scripts and the webhook; message ids keep increasing."""
        with self._changed:
            self._accepted.clear()
            self._refused.clear()
            self._abandoned.clear()
            self._scripts.clear()
            self._state["webhook"] = {}

    def wait_for(self, n: int, timeout: float = 5.0, method: str | None = None) -> list[Call]:
        """Wait until `n` calls (to `method`, if given) were accepted; return them."""

        def matching() -> list[Call]:
            return [c for c in self._accepted if method is None or c.method == method]

        with self._changed:
            if not self._changed.wait_for(lambda: len(matching()) >= n, timeout):
                got = [c.method for c in matching()]
                raise AssertionError(f"expected {n} calls to {method or 'any method'}, got {got}")
            return matching()

    def max_per_second(self, chat_id: int | str | None = None) -> int:
        """Most messages sent (to `chat_id`, if given) within any one-second window."""
        with self._changed:
            times = sorted(
                c.at
                for c in self._accepted
                if c.method.startswith("send") and (chat_id is None or c.chat_id == str(chat_id))
            )
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def handle(
        self, token: str, method: str, params: dict[str, Any], conn: socket.socket
    ) -> Reply:
        """Answer one Bot API call as Telegram would, applying any script."""
        if token != self.token:
            return self._refuse(method, params, error(401, "Unauthorized"))
        with self._changed:
            script = next((s for s in self._scripts if s.method in (None, method)), None)
            if script is not None and script.times is not None:
                script.times -= 1
                if script.times <= 0:
                    self._scripts.remove(script)
        if script is not None and script.status != 200:
            return self._refuse(method, params, _scripted(script))
        if script is not None and client_left(conn, script.hang, self._stopping):
            with self._changed:
                self._abandoned.append(Call(method, params, self._clock(), 0))
            return Reply(0, {})
        with self._changed:
            reply = answer(method, params, self._state)
            call = Call(method, params, self._clock(), reply.status)
            (self._accepted if reply.status == 200 else self._refused).append(call)
            self._changed.notify_all()
        return reply

    def script(self, action: dict[str, Any]) -> None:
        """Apply a script sent over HTTP: `{"action": "fail_next", "status": 429, ...}`."""
        if not isinstance(action, dict):
            raise ValueError("a script is a JSON object")
        kind = action.pop("action", None)
        if kind == "fail_next":
            self.fail_next(**action)
        elif kind == "hang_next":
            self.hang_next(**action)
        elif kind == "reset":
            self.reset()
        else:
            raise ValueError(f"unknown action {kind!r}")

    def _add(self, script: _Script) -> None:
        if script.times is not None and script.times < 1:
            raise ValueError("times must be at least 1, or None for every call")
        with self._changed:
            self._scripts.append(script)

    def _refuse(self, method: str, params: dict[str, Any], reply: Reply) -> Reply:
        with self._changed:
            self._refused.append(Call(method, params, self._clock(), reply.status))
            self._changed.notify_all()
        return reply


def _scripted(script: _Script) -> Reply:
    if script.status == 429:
        wait = script.retry_after if script.retry_after is not None else 1
        text = script.description or f"Too Many Requests: retry after {wait}"
        return error(429, text, retry_after=wait)
    return error(script.status, script.description)


if __name__ == "__main__":
    import sys

    fake = FakeTelegram().start(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(f"fake Telegram Bot API at {fake.base_url} (token {fake.token}); Ctrl-C stops it")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()
