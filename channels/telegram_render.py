"""Render channel-neutral replies as Telegram Bot API calls (pure: no I/O).

A part is a JSON-able dict naming its Bot API method:

    {"method": "sendMessage", "text": "...", "reply_markup": {"inline_keyboard": [...]}}
    {"method": "sendPhoto", "photo": "https://...", "caption": "..."}
    {"method": "answerCallbackQuery", "callback_query_id": "...", "text": "..."}

Rules, from the Bot API limits (PTB `telegram.constants`):
- options become inline-keyboard buttons whose `callback_data` is the option's payload.
  It must be 1-64 bytes of UTF-8; a longer payload raises ValueError rather than be
  truncated or hashed, because a truncated payload would silently mean something
  else. Flows keep payloads short (`track:1234`, not a JSON document).
- text over 4096 characters is split at a paragraph, line, sentence or word break;
  the keyboard goes on the last part so it sits under the end of the reply.
- an image becomes sendPhoto with the text as caption when it fits in 1024
  characters; otherwise the photo goes first and the text follows.
- a link becomes a URL button under the reply when it is https: a button keeps a long
  payment URL out of the text and cannot be mis-copied. Telegram refuses buttons for
  some other URLs (plain http, localhost), so those go at the end of the text.
Lengths are counted in UTF-16 code units, as Telegram counts them, so emoji count twice.
A WhatsApp template means nothing here: Telegram has no service window, so its text is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.constants import (
    CallbackQueryLimit,
    InlineKeyboardButtonLimit,
    InlineKeyboardMarkupLimit,
    MessageLimit,
)

from channels.base import Inbound, Kind, Option, Outgoing

__all__ = ["MAX_BUTTONS", "ack_part", "keyboard", "render", "split_text"]

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)  # 1024
MAX_CALLBACK_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64 bytes
MAX_BUTTONS = int(InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER)  # 100
MAX_ACK_TEXT = int(CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # 200
# Break points, best first; a break is used only in the second half of a chunk so that
# no part comes out absurdly short.
_BREAKS = ("\n\n", "\n", ". ", "! ", "? ", "。", "; ", ", ", " ")


def render(out: Outgoing) -> list[dict[str, Any]]:
    """The Bot API calls that show `out`, in order; ValueError if Telegram would refuse it."""
    rows = keyboard(out.options, one_per_row=out.as_list)
    text = out.text.strip()
    if out.link:
        label, url = out.link
        if url.lower().startswith("https://"):
            rows.append([{"text": label, "url": url}])
        else:
            text = f"{text}\n\n{label}: {url}" if text else f"{label}: {url}"
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ValueError(f"Telegram shows at most {MAX_BUTTONS} buttons")
    parts: list[dict[str, Any]] = []
    if out.image_url:
        photo: dict[str, Any] = {"method": "sendPhoto", "photo": out.image_url}
        if text and _units(text) <= MAX_CAPTION:
            photo["caption"], text = text, ""
        parts.append(photo)
    parts.extend({"method": "sendMessage", "text": chunk} for chunk in split_text(text))
    if rows:
        if not parts:
            raise ValueError("Telegram needs text or an image to carry buttons")
        parts[-1]["reply_markup"] = {"inline_keyboard": rows}
    return parts


def keyboard(
    options: Sequence[Option], *, one_per_row: bool = False
) -> list[list[dict[str, str]]]:
    """Inline-keyboard rows for `options`: up to 3 short labels a row, long ones alone."""
    for option in options:
        size = len(option.payload.encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise ValueError(
                f"callback_data must be 1-{MAX_CALLBACK_DATA} bytes, {option.payload!r} is "
                f"{size}: keep flow payloads short"
            )
        if not option.label.strip():
            raise ValueError(f"the button for {option.payload!r} has no label")
    if not options:
        return []
    longest = max(len(option.label) for option in options)
    per_row = 1 if one_per_row or longest > 16 else 2 if longest > 8 else 3
    # Balance the rows: 4 short options make 2 + 2, not 3 + 1.
    row_count = -(-len(options) // per_row)
    per_row = -(-len(options) // row_count)
    return [
        [{"text": o.label, "callback_data": o.payload} for o in options[i : i + per_row]]
        for i in range(0, len(options), per_row)
    ]


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into chunks of at most `limit` UTF-16 units at the most natural breaks."""
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if _units(rest) <= limit:
            chunks.append(rest)
            break
        window = rest[: _fitting(rest, limit)]
        cut = len(window)
        for mark in _BREAKS:
            found = window.rfind(mark)
            if found >= len(window) // 2:
                cut = found + len(mark)
                break
        chunk = rest[:cut].rstrip()
        chunks.append(chunk)
        rest = rest[cut:].lstrip()
    return chunks


def ack_part(inbound: Inbound, text: str | None = None) -> dict[str, Any] | None:
    """The answerCallbackQuery part for a button press (None for anything else).

    Telegram keeps a spinner on the tapped button until the query is answered;
    `text`, if given, shows as a brief notice (at most 200 characters).
    """
    if inbound.kind is not Kind.BUTTON or inbound.address.channel != "telegram":
        return None
    query = inbound.raw.get("callback_query")
    query_id = query.get("id") if isinstance(query, dict) else None
    if not isinstance(query_id, str) or not query_id:
        return None
    part: dict[str, Any] = {"method": "answerCallbackQuery", "callback_query_id": query_id}
    if text:
        part["text"] = text[:MAX_ACK_TEXT]
    return part


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """How many leading characters of `text` fit in `limit` UTF-16 units (at least 1)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return max(index, 1)
    return len(text)
