"""The consent ledger: every opt-in and opt-out, and the consent derived from it.

Topics are `order_updates` and `marketing`; the topic `all` is the shopper's STOP
(or START), which overrides every topic while it stands. Current consent is never
stored, only derived: the latest event wins.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import ConsentEvent, utcnow

TOPICS = ("order_updates", "marketing")
SOURCES = ("shopper", "checkout", "api", "carrier", "agent")


def record(
    s: Session, customer_id: int, topic: str, granted: bool, *, source: str,
    channel: str | None = None, proof: str | None = None, at: datetime | None = None,
) -> ConsentEvent:
    """Add one event to the ledger (the caller's transaction commits it)."""
    if topic not in (*TOPICS, "all"):
        raise ValueError(f"unknown consent topic {topic!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    event = ConsentEvent(customer_id=customer_id, topic=topic, granted=granted, source=source,
                         channel=channel, proof=proof, created_at=at or utcnow())
    s.add(event)
    s.flush()
    return event


def latest(s: Session, customer_id: int, topic: str) -> ConsentEvent | None:
    return s.scalar(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer_id, ConsentEvent.topic == topic)
        .order_by(ConsentEvent.created_at.desc(), ConsentEvent.id.desc())
        .limit(1)
    )


def stopped(s: Session, customer_id: int) -> bool:
    """Whether the shopper's last word was STOP (and not START since)."""
    last = latest(s, customer_id, "all")
    return last is not None and not last.granted


def allowed(s: Session, customer_id: int, topic: str) -> bool:
    """Whether a message on `topic` the shopper did not ask for may be sent now."""
    if stopped(s, customer_id):
        return False
    last = latest(s, customer_id, topic)
    return last is not None and last.granted


def ledger(s: Session, customer_id: int) -> list[ConsentEvent]:
    """Every event, oldest first: for the shopper's data export and the console."""
    return list(s.scalars(select(ConsentEvent).where(ConsentEvent.customer_id == customer_id)
                          .order_by(ConsentEvent.created_at, ConsentEvent.id)))
