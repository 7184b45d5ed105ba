"""Rules checked at send time (DESIGN.md rule 4): a STOP that arrives after a message
was queued still wins."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent
from bot.models import ConsentEvent, Conversation, Message

WHATSAPP_WINDOW = timedelta(hours=24)


def opted_out_at(s: Session, customer_id: int) -> datetime | None:
    """When the shopper last said STOP, unless they said START after it."""
    last = s.scalar(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer_id, ConsentEvent.topic == "all")
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    )
    return last.created_at if last is not None and not last.granted else None


def blocked(s: Session, message: Message, conv: Conversation, now: datetime) -> str | None:
    """Why `message` may not be sent now, or None when it may."""
    stop_at = opted_out_at(s, conv.customer_id)
    if stop_at is not None:
        if not message.requested:
            return "opted out"
        if message.created_at < stop_at:
            return "opted out after this message was queued"
    # A message we push about a topic (a payment reminder, a shipping update) needs the
    # shopper's consent to that topic, as it stands now.
    if (not message.requested and message.topic in consent.TOPICS
            and not consent.allowed(s, conv.customer_id, message.topic)):
        return f"no consent to {message.topic}"
    if conv.channel == "whatsapp" and not (message.content or {}).get("template"):
        last = conv.last_inbound_at
        if last is None or now - last > WHATSAPP_WINDOW:
            return "outside the WhatsApp 24-hour window and no template"
    return None
