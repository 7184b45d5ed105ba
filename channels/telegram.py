"""Telegram adapter: webhook updates in, Bot API calls out through python-telegram-bot.

    verify  X-Telegram-Bot-Api-Secret-Token must equal TELEGRAM_WEBHOOK_SECRET
    parse   Update.de_json → Inbound; private chats only; other update kinds → []
    render  Outgoing → sendMessage / sendPhoto parts with inline keyboards
            (see `channels.telegram_render`)
    send    one part through `telegram.Bot` on the process's background loop (`channels.aio`)

Failure policy of `send`: 429 → RetryableError carrying Telegram's retry_after;
5xx, network errors and timeouts → RetryableError; 400 (bad_request), 403 (forbidden:
the shopper blocked the bot), 401/404 (invalid_token) → PermanentError.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.errors import (
    BadSignature,
    MalformedPayload,
    NotConfigured,
    PermanentError,
    ProviderError,
    RetryableError,
)
from channels import aio
from channels.base import Address, Capabilities, HttpRequest, Inbound, Outgoing, SendResult
from channels.telegram_parse import inbound_from_update
from channels.telegram_render import MAX_BUTTONS, ack_part, render

__all__ = ["ALLOWED_UPDATES", "SECRET_HEADER", "TelegramChannel", "ack_part"]

T = TypeVar("T")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The only update kinds souk handles; Telegram then stops sending the others.
ALLOWED_UPDATES = ("message", "callback_query")
_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]{1,256}")
# The parts `send` knows, each with the string field it cannot do without.
_REQUIRED = {
    "sendMessage": "text",
    "sendPhoto": "photo",
    "answerCallbackQuery": "callback_query_id",
}


class TelegramChannel:
    """The Telegram Bot API as a souk channel (see the module docstring)."""

    name = "telegram"
    capabilities = Capabilities(
        buttons=MAX_BUTTONS, list_rows=MAX_BUTTONS, images=True, max_text=4096
    )

    def __init__(
        self,
        token: str,
        webhook_secret: str | None,
        api_base: str = "https://api.telegram.org",
        *,
        timeout: float = 10.0,
    ) -> None:
        self._token = token or ""
        self._secret = webhook_secret or ""
        self._api_base = api_base.rstrip("/")
        self._timeout = timeout
        # One Bot per event loop: PTB's httpx client belongs to the loop it first ran on,
        # and a forked child runs a new loop. Only touched from the loop thread.
        self._bot: Bot | None = None
        self._bot_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"TelegramChannel(api_base={self._api_base!r}, token='****')"

    # -- inbound ---------------------------------------------------------------------

    def verify(self, request: HttpRequest) -> None:
        """Raise BadSignature unless the secret-token header matches, in constant time."""
        if not self._token or not self._secret:
            raise NotConfigured("TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET must be set")
        given = request.header(SECRET_HEADER)
        if not given:
            raise BadSignature(f"missing {SECRET_HEADER}")
        if not hmac.compare_digest(
            given.encode("utf-8", "replace"), self._secret.encode("utf-8", "replace")
        ):
            raise BadSignature(f"wrong {SECRET_HEADER}")

    def parse(self, request: HttpRequest) -> list[Inbound]:
        """Messages in a webhook request; [] for update kinds and chats souk ignores.

        Like PTB's own webhook server, only `application/json` bodies that turn into an
        Update are accepted; anything else raises MalformedPayload.
        """
        content_type = (request.header("content-type") or "").partition(";")[0]
        if content_type.strip().lower() != "application/json":
            raise MalformedPayload(f"expected application/json, got {content_type!r}")
        return inbound_from_update(request.body)

    # -- outbound --------------------------------------------------------------------

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """The Bot API calls that show `out`; raise ValueError for unsendable replies."""
        return render(out)

    def ack_part(self, inbound: Inbound, text: str | None = None) -> dict[str, Any] | None:
        """The answerCallbackQuery part that stops the button's spinner, if it was a button."""
        return ack_part(inbound, text)

    def send(self, address: Address, part: Mapping[str, Any]) -> SendResult:
        """Send one rendered part to `address`; raise RetryableError or PermanentError."""
        if address.channel != "telegram":
            raise PermanentError(f"not a Telegram address: {address.masked()}", code="address")
        method = part.get("method")
        needs = _REQUIRED.get(method) if isinstance(method, str) else None
        if needs is None or not isinstance(part.get(needs), str):
            raise PermanentError(f"not a Telegram part: {method!r}", code="part")
        chat_id = int(address.id)
        markup = part.get("reply_markup")

        async def call(bot: Bot) -> str:
            keyboard = InlineKeyboardMarkup.de_json(dict(markup), bot) if markup else None
            if method == "sendMessage":
                sent = await bot.send_message(chat_id, part["text"], reply_markup=keyboard)
            elif method == "sendPhoto":
                sent = await bot.send_photo(
                    chat_id, part["photo"], caption=part.get("caption"), reply_markup=keyboard
                )
            else:
                await bot.answer_callback_query(part["callback_query_id"], text=part.get("text"))
                return "ack"
            return str(sent.message_id)

        return SendResult(provider_id=self._call(call), status="sent")

    # -- setup -----------------------------------------------------------------------

    def set_webhook(self, url: str, secret: str | None = None) -> None:
        """Point Telegram at `url`, signing updates with `secret` (default: the configured one).

        Only `message` and `callback_query` updates are requested.
        """
        secret = secret if secret is not None else self._secret
        if not secret:
            raise NotConfigured("TELEGRAM_WEBHOOK_SECRET must be set before the webhook")
        if not _SECRET_CHARS.fullmatch(secret):
            raise ValueError("the webhook secret must be 1-256 characters of A-Z a-z 0-9 _ -")
        self._call(
            lambda bot: bot.set_webhook(
                url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
            )
        )

    def webhook_info(self) -> dict[str, Any]:
        """Telegram's view of the webhook: url, pending_update_count, last_error_message…"""

        async def call(bot: Bot) -> dict[str, Any]:
            return (await bot.get_webhook_info()).to_dict()

        return self._call(call)

    # -- plumbing --------------------------------------------------------------------

    def _call(self, make: Callable[[Bot], Awaitable[T]]) -> T:
        """Run `make(bot)` on the background loop, turning PTB errors into ProviderErrors."""
        if not self._token:
            raise PermanentError("TELEGRAM_BOT_TOKEN is not set", code="not_configured")

        async def on_loop() -> T:
            return await make(self._bot_for_running_loop())

        # A request may wait up to `timeout` for a pooled connection, to connect and
        # write, and to read; past that the call is abandoned and cancelled.
        deadline = 3 * self._timeout + 1
        try:
            return aio.run(on_loop(), timeout=deadline)
        except TelegramError as exc:
            raise provider_error(exc, self._token) from exc
        except TimeoutError as exc:
            raise RetryableError(
                f"no answer from Telegram in {deadline} s", code="timeout"
            ) from exc

    def _bot_for_running_loop(self) -> Bot:
        loop = asyncio.get_running_loop()
        if self._bot is None or self._bot_loop is not loop:
            request = HTTPXRequest(
                connection_pool_size=64,
                connect_timeout=self._timeout,
                read_timeout=self._timeout,
                write_timeout=self._timeout,
                pool_timeout=self._timeout,
            )
            self._bot = Bot(
                self._token,
                base_url=f"{self._api_base}/bot",
                base_file_url=f"{self._api_base}/file/bot",
                request=request,
            )
            self._bot_loop = loop
        return self._bot


def provider_error(exc: TelegramError, token: str = "") -> ProviderError:
    """The souk error for a PTB error: retryable or permanent, with Telegram's retry_after."""
    message = str(exc).replace(token, "****") if token else str(exc)
    if isinstance(exc, RetryAfter):
        return RetryableError(message, code="retry_after", retry_after=_retry_seconds(exc))
    if isinstance(exc, Forbidden):
        return PermanentError(message, code="forbidden")
    if isinstance(exc, InvalidToken):
        return PermanentError(message, code="invalid_token")
    if isinstance(exc, ChatMigrated):
        return PermanentError(message, code="chat_migrated")
    # BadRequest subclasses NetworkError, so it must be caught first.
    if isinstance(exc, BadRequest):
        return PermanentError(message, code="bad_request")
    if isinstance(exc, TimedOut):
        return RetryableError(message, code="timeout")
    if isinstance(exc, NetworkError):
        return RetryableError(message, code="network")
    return PermanentError(message, code="telegram")


def _retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait, whether PTB hands out an int (≤22.1) or a timedelta."""
    # PTB ≥22.2 keeps a timedelta in `_retry_after` and emits a deprecation warning on
    # the public attribute unless PTB_TIMEDELTA is set; read it without the warning.
    value: Any = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)
