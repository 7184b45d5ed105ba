"""Turn a Telegram webhook body into souk's Inbound messages.

Telegram is trusted only after `TelegramChannel.verify`, yet a body may still be
anything, and PTB's `de_json` builds objects without checking field types. So every
field souk reads is checked here: a body that is not an Update raises
MalformedPayload (→ 400); an Update of a kind souk does not handle gives [] (→ 200).

Handled: private-chat messages (text, `/start <payload>` deep links, contact,
location, photo/document/voice/video/audio/sticker/animation) and callback queries
from buttons on the bot's own messages. Ignored: groups and channels, edits,
membership changes, polls, reactions and every other update kind.
"""

from __future__ import annotations

import json
import math
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.errors import MalformedPayload
from channels.base import Address, Inbound, Kind

__all__ = ["inbound_from_update", "start_payload"]

# (attribute, content type when Telegram does not say); animation before document,
# because Telegram also fills `document` for animations.
_MEDIA = (
    ("photo", "image/jpeg"),
    ("animation", "video/mp4"),
    ("document", "application/octet-stream"),
    ("video", "video/mp4"),
    ("video_note", "video/mp4"),
    ("voice", "audio/ogg"),
    ("audio", "audio/mpeg"),
    ("sticker", "image/webp"),
)


# The update kinds souk reads; every other kind is acknowledged and ignored.
_HANDLED = ("message", "callback_query")


def inbound_from_update(body: bytes) -> list[Inbound]:
    """Parse a webhook body; [] for an Update souk ignores, MalformedPayload for non-Updates."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # bad UTF-8 and bad JSON are ValueErrors
        raise MalformedPayload("body is not JSON") from exc
    if not isinstance(data, dict) or not _is_int(data.get("update_id")):
        raise MalformedPayload("JSON is not a Telegram Update: no integer update_id")
    # Only the kinds souk handles are read: PTB checks every kind against its version of
    # the Bot API, and an update souk ignores must never be refused (Telegram would
    # retry it for a day) because, say, a poll lacks a field PTB now requires.
    handled = {key: data[key] for key in _HANDLED if key in data}
    if not handled:
        return []
    try:
        update = Update.de_json({"update_id": data["update_id"], **handled}, None)
    except Exception as exc:  # de_json raises whatever PTB's constructors raise on bad input
        raise MalformedPayload(f"not a Telegram Update ({type(exc).__name__})") from exc
    provider_id = str(data["update_id"])
    if update.callback_query is not None:
        return _from_callback(provider_id, update.callback_query, data)
    if update.message is not None:
        return _from_message(provider_id, update.message, data)
    return []


def start_payload(text: str) -> str | None:
    """The deep-link payload of `/start <payload>` (also `/start@bot <payload>`), else None."""
    command, _, rest = text.strip().partition(" ")
    if command.partition("@")[0] != "/start":
        return None
    return rest.strip() or None


def _from_message(provider_id: str, message: Message, raw: dict[str, Any]) -> list[Inbound]:
    address = _private_address(message.chat)
    if address is None:
        return []
    user = _user(message.from_user)
    common: dict[str, Any] = {
        "address": address,
        "provider_id": provider_id,
        "name": _opt_str(user.first_name if user else None, "from.first_name"),
        "language_hint": _opt_str(user.language_code if user else None, "from.language_code"),
        "raw": raw,
    }
    if message.contact is not None:
        phone = _opt_str(message.contact.phone_number, "contact.phone_number") or ""
        return [Inbound(kind=Kind.CONTACT, contact_phone=_e164(phone), **common)]
    if message.location is not None:
        lat, lon = message.location.latitude, message.location.longitude
        if not (_is_coordinate(lat, 90) and _is_coordinate(lon, 180)):
            raise MalformedPayload("location is not a latitude and longitude")
        return [Inbound(kind=Kind.LOCATION, location=(float(lat), float(lon)), **common)]
    caption = _opt_str(message.caption, "caption") or ""
    for attribute, default_type in _MEDIA:
        media = getattr(message, attribute)
        if media:
            item = media[-1] if isinstance(media, tuple) else media  # photo: largest size last
            file_id = _opt_str(getattr(item, "file_id", None), f"{attribute}.file_id")
            if not file_id:
                raise MalformedPayload(f"{attribute} without a file_id")
            content_type = _opt_str(getattr(item, "mime_type", None), "mime_type")
            if attribute == "sticker":
                content_type = _sticker_type(item)
            found = (f"tg-file:{file_id}", content_type or default_type)
            return [Inbound(kind=Kind.MEDIA, text=caption, media=(found,), **common)]
    text = _opt_str(message.text, "text")
    if text is None:
        return []  # service messages, dice, polls, games…: nothing for a flow to answer
    return [Inbound(kind=Kind.TEXT, text=text, payload=start_payload(text), **common)]


def _from_callback(provider_id: str, query: CallbackQuery, raw: dict[str, Any]) -> list[Inbound]:
    # A callback from an inline-mode message has no chat to answer in; a game has no data.
    message = query.message
    if message is None or not isinstance(data := query.data, str):
        return []
    address = _private_address(message.chat)
    if address is None:
        return []
    user = _user(query.from_user)
    return [
        Inbound(
            address=address,
            provider_id=provider_id,
            kind=Kind.BUTTON,
            text=_button_label(message, data),
            payload=data,
            name=_opt_str(user.first_name if user else None, "from.first_name"),
            language_hint=_opt_str(user.language_code if user else None, "from.language_code"),
            raw=raw,
        )
    ]


def _button_label(message: object, data: str) -> str:
    """The label of the tapped button, read back from the keyboard souk sent."""
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row if isinstance(row, tuple) else ():
            if getattr(button, "callback_data", None) == data:
                label = getattr(button, "text", "")
                return label if isinstance(label, str) else ""
    return ""


def _private_address(chat: object) -> Address | None:
    """The shopper's address; None for groups and channels, which souk does not serve."""
    if not isinstance(chat, Chat):
        raise MalformedPayload("message without a chat")
    if chat.type != Chat.PRIVATE:
        return None
    if not _is_int(chat.id):
        raise MalformedPayload("chat.id is not an integer")
    try:
        return Address.parse(f"telegram:{chat.id}")
    except ValueError as exc:
        raise MalformedPayload(str(exc)) from exc


def _user(user: object) -> User | None:
    if user is not None and not isinstance(user, User):
        raise MalformedPayload("from is not a User")
    return user


def _sticker_type(sticker: object) -> str:
    if getattr(sticker, "is_video", False) is True:
        return "video/webm"
    if getattr(sticker, "is_animated", False) is True:
        return "application/x-tgsticker"
    return "image/webp"


def _e164(phone: str) -> str | None:
    """`+` and the digits of a shared phone number; Telegram may omit the `+`."""
    digits = "".join(ch for ch in phone if ch in "0123456789")
    return f"+{digits}" if 7 <= len(digits) <= 15 else None


def _opt_str(value: object, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedPayload(f"{field} is not a string")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_coordinate(value: object, bound: float) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and -bound <= value <= bound
    )
