"""The Bot API behaviour behind the fake Telegram server: parameters in, envelope out.

Kept apart from the HTTP plumbing in `tests.fakes.telegram` so each stays readable.
Answers follow the Bot API: `{"ok": true, "result": ...}` or
`{"ok": false, "error_code": 400, "description": "Bad Request: ..."}`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["BOT_USER", "Reply", "answer", "error", "parse_params"]

BOT_USER: dict[str, Any] = {
    "id": 777,
    "is_bot": True,
    "first_name": "ShopBot",
    "username": "shop_bot",
}
_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
# PTB form-encodes every parameter, json.dumps-ing the non-strings; decode those back.
_JSON = {"reply_markup", "allowed_updates", "entities", "caption_entities", "link_preview_options"}
_INTS = {"chat_id", "message_id", "max_connections", "cache_time", "message_thread_id"}
_BOOLS = {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status 0 means "say nothing, drop the connection"."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, description: str | None = None, retry_after: int | None = None) -> Reply:
    """A Bot API error envelope, with `parameters.retry_after` for a 429."""
    body: dict[str, Any] = {
        "ok": False,
        "error_code": status,
        "description": description or _DESCRIPTIONS.get(status, "Error"),
    }
    headers = {}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
        headers["Retry-After"] = str(retry_after)
    return Reply(status, body, headers)


def parse_params(content_type: str, body: bytes) -> dict[str, Any]:
    """The call's parameters from a form-encoded or JSON body; ValueError otherwise."""
    kind = content_type.partition(";")[0].strip().lower()
    if not body:
        raw: dict[str, Any] = {}
    elif kind == "application/json":
        raw = json.loads(body)
        if not isinstance(raw, dict):
            raise ValueError("the JSON body is not an object")
    elif kind == "application/x-www-form-urlencoded":
        raw = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    else:
        raise ValueError(f"the fake does not read {kind or 'untyped'} bodies")
    return {key: _decode(key, value) for key, value in raw.items()}


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON:
        return json.loads(value)
    if key in _INTS and value.lstrip("-").isdigit():
        return int(value)
    if key in _BOOLS and value in ("true", "false"):
        return value == "true"
    return value


def answer(method: str, params: dict[str, Any], state: dict[str, Any]) -> Reply:
    """Telegram's answer to `method`; `state` holds the message counter and the webhook."""
    if method == "getMe":
        return _ok(BOT_USER)
    if method in ("sendMessage", "sendPhoto"):
        return _send(method, params, state)
    if method == "answerCallbackQuery":
        if not params.get("callback_query_id"):
            return error(400, "Bad Request: query is too old and response timeout expired")
        return _ok(True)
    if method == "setWebhook":
        secret = params.get("secret_token", "")
        if not isinstance(secret, str) or len(secret) > 256:
            return error(400, "Bad Request: secret token is invalid")
        state["webhook"] = {k: v for k, v in params.items() if k != "certificate"}
        return _ok(True)
    if method == "deleteWebhook":
        state["webhook"] = {}
        return _ok(True)
    if method == "getWebhookInfo":
        hook = state["webhook"]
        info = {"url": hook.get("url", ""), "has_custom_certificate": False}
        info |= {"pending_update_count": 0, "max_connections": hook.get("max_connections", 40)}
        if hook.get("allowed_updates"):
            info["allowed_updates"] = hook["allowed_updates"]
        return _ok(info)
    return error(404, "Not Found")


def _send(method: str, params: dict[str, Any], state: dict[str, Any]) -> Reply:
    chat_id = params.get("chat_id")
    if chat_id in (None, ""):
        return error(400, "Bad Request: chat_id is empty")
    text, caption = params.get("text"), params.get("caption")
    if method == "sendMessage" and not (isinstance(text, str) and text.strip()):
        return error(400, "Bad Request: message text is empty")
    if isinstance(text, str) and _units(text) > 4096:
        return error(400, "Bad Request: message is too long")
    if method == "sendPhoto" and not params.get("photo"):
        return error(400, "Bad Request: there is no photo in the request")
    if isinstance(caption, str) and _units(caption) > 1024:
        return error(400, "Bad Request: message caption is too long")
    markup = params.get("reply_markup")
    for row in (markup or {}).get("inline_keyboard", ()):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                return error(400, "Bad Request: BUTTON_DATA_INVALID")
    state["message_id"] += 1
    number = state["message_id"]
    private = isinstance(chat_id, int) and chat_id > 0
    message: dict[str, Any] = {
        "message_id": number,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if private else "supergroup"},
        "from": BOT_USER,
    }
    if method == "sendMessage":
        message["text"] = text
    else:
        unique = f"AQAD{number:06d}"
        size = {"file_id": f"AgACAgQAAxkBAAI{number:06d}", "file_unique_id": unique}
        message["photo"] = [size | {"width": 1280, "height": 960, "file_size": 91234}]
        if caption:
            message["caption"] = caption
    if markup:
        message["reply_markup"] = markup
    return _ok(message)


def _ok(result: Any) -> Reply:
    return Reply(200, {"ok": True, "result": result})


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
