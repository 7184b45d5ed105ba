"""A conversation's messages as the shopper saw them, for the console.

Outbound messages are shown from the parts the channel rendered and sent (numbered
options in WhatsApp and SMS text, Telegram's buttons, a template's SID and
variables), not from the channel-neutral reply: an agent must see what the shopper
saw. The simulator's parts carry every imitated channel; the conversation's own is
shown (bot/simulator.py does the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.models import Message

# Why a message did not reach the shopper is worth an agent's attention.
PROBLEMS = ("failed", "undelivered", "dropped")


@dataclass(frozen=True, slots=True)
class Part:
    """One bubble's content: text, buttons, images, or a template."""

    text: str = ""
    buttons: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()  # a shopper's media: links (the provider may ask a login)
    template: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Bubble:
    """One message in the console's transcript."""

    id: int
    direction: str  # in | out
    author: str  # shopper | bot | agent | system
    author_name: str
    parts: tuple[Part, ...]
    status: str
    problem: str | None
    at: datetime


def _part(raw: Mapping[str, Any]) -> Part:
    """A provider part (Twilio or Telegram, as rendered) as the console shows it."""
    keyboard = (raw.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = tuple(str(b.get("text", "")) for row in keyboard for b in row)
    media = raw.get("media_url") or ([raw["photo"]] if raw.get("photo") else [])
    images = tuple(str(m) for m in (media if isinstance(media, list) else [media]))
    text = raw.get("body") or raw.get("text") or raw.get("caption") or ""
    return Part(text=str(text), buttons=buttons, images=images,
                template=raw.get("content_sid"), variables=raw.get("content_variables") or {})


def outbound_parts(message: Message, style: str) -> tuple[Part, ...]:
    """What the shopper saw of an outbound message on the channel `style`."""
    raw = list(message.parts or [])
    if raw and isinstance(raw[0], dict) and "styles" in raw[0]:
        raw = list(raw[0]["styles"].get(style, []))
    parts = tuple(_part(p) for p in raw if isinstance(p, dict)
                  and p.get("method") != "answerCallbackQuery")
    return parts or (Part(text=message.body or ""),)


def inbound_parts(message: Message) -> tuple[Part, ...]:
    """A shopper's message: its text, and what it carried besides."""
    meta = message.meta or {}
    # Only web links become links: a link is clicked in the agent's browser.
    attachments = tuple(str(url) for url, _ctype in meta.get("media", [])
                        if str(url).startswith(("https://", "http://")))
    text = message.body or ""
    if not text and meta.get("location"):
        text = "📍 {:.5f}, {:.5f}".format(*meta["location"])
    return (Part(text=text, attachments=attachments),)


def bubbles(messages: Iterable[Message], style: str,
            agent_names: Mapping[int, str]) -> list[Bubble]:
    """The transcript, oldest first."""
    shown = []
    for m in messages:
        if m.direction == "in":
            parts, name = inbound_parts(m), "Shopper"
        else:
            parts = outbound_parts(m, style)
            agent_id = (m.meta or {}).get("agent_id")
            name = (agent_names.get(int(agent_id), "Agent") if agent_id is not None
                    else m.author.capitalize())
        problem = (m.error_message or m.status) if m.status in PROBLEMS else None
        shown.append(Bubble(m.id, m.direction, m.author, name, parts, m.status, problem,
                            m.created_at))
    return shown
