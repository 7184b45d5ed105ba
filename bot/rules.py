"""Rules checked at send time (DESIGN.md rule 4): a STOP that arrives after a message
was queued still wins.

After STOP nothing the shopper did not ask for is sent:
- a notification or campaign (`requested=False`) is dropped;
- anything queued before the STOP is dropped, replies included;
- a person's message (an agent in the console) is sent only if the shopper has
  written since the STOP: a takeover does not reopen a closed door;
- on SMS only the bot's own answers (the STOP confirmation, HELP, START) go out,
  as carriers allow.
A notification on a topic (`order_updates`, `marketing`) also needs the shopper's
consent to that topic when it is sent, not only when it was queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import consent
from bot.models import Conversation, Message

WHATSAPP_WINDOW = timedelta(hours=24)


def style_of(conv: Conversation) -> str:
    """The channel whose rules apply: the imitated one for the simulator's conversations."""
    if conv.channel == "web":
        return conv.address.split(":")[1] if conv.address.count(":") >= 2 else "web"
    return conv.channel


def blocked(s: Session, message: Message, conv: Conversation, now: datetime) -> str | None:
    """Why `message` may not be sent now, or None when it may."""
    stop_at = consent.stopped_since(s, conv.customer_id)
    if stop_at is not None:
        if not message.requested:
            return "opted out"
        if message.created_at < stop_at:
            return "opted out after this message was queued"
        if message.author != "bot":
            if style_of(conv) == "sms":
                return "opted out: on SMS only answers to START and HELP are sent"
            last = conv.last_inbound_at
            if last is None or last <= stop_at:
                return "opted out: the shopper has not written since STOP"
    # A message we push about a topic (a payment reminder, a shipping update) needs the
    # shopper's consent to that topic, as it stands now.
    if not message.requested and message.topic in consent.TOPICS and not consent.allowed(
        s, conv.customer_id, message.topic
    ):
        return f"no consent to {message.topic}"
    if conv.channel == "whatsapp" and not (message.content or {}).get("template"):
        last = conv.last_inbound_at
        if last is None or now - last > WHATSAPP_WINDOW:
            return "outside the WhatsApp 24-hour window and no template"
    return None
