"""The consent ledger: every opt-in and opt-out, and the consent derived from it.

Topics are `order_updates` and `marketing`; the topic `all` is the shopper's STOP
(or START), which overrides every topic while it stands. Current consent is never
stored, only derived: the latest event (by its time) wins.

Each event says where it came from (`source`): the shopper's own words, checkout,
the merchant API, a carrier's opt-out (Twilio 21610) or an agent; and its proof:
the message id, the API key's name, the failed message.

This module also tells the flows whether the shopper has stopped us (the
`opted_out` fact), so STOP is confirmed once and YES right after STOP resumes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import facts
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
    """The event that decides `topic` now, or None when the shopper never said."""
    return s.scalar(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer_id, ConsentEvent.topic == topic)
        .order_by(ConsentEvent.created_at.desc(), ConsentEvent.id.desc())
        .limit(1)
    )


def stopped(s: Session, customer_id: int) -> bool:
    """Whether the shopper's last word was STOP (and not START since)."""
    return stopped_since(s, customer_id) is not None


def stopped_since(s: Session, customer_id: int) -> datetime | None:
    """When the shopper stopped us, if they have: the first STOP since their last START.

    The first, not the latest: a second STOP must not void the confirmation of the first.
    """
    last = latest(s, customer_id, "all")
    if last is None or last.granted:
        return None
    mine = (ConsentEvent.customer_id == customer_id, ConsentEvent.topic == "all")
    resumed = s.scalar(select(func.max(ConsentEvent.created_at)).where(*mine,
                                                                        ConsentEvent.granted))
    first = select(func.min(ConsentEvent.created_at)).where(*mine, ~ConsentEvent.granted)
    if resumed is not None:
        first = first.where(ConsentEvent.created_at > resumed)
    found: datetime | None = s.scalar(first)
    return found


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


def current(s: Session, customer_id: int) -> dict[str, Any]:
    """The consent in force: STOP, and each topic as granted, refused or never asked."""
    topics: dict[str, bool | None] = {}
    for topic in TOPICS:
        last = latest(s, customer_id, topic)
        topics[topic] = None if last is None else last.granted
    halted = stopped(s, customer_id)
    return {"stopped": halted, "topics": topics,
            "allowed": {topic: not halted and topics[topic] is True for topic in TOPICS}}


def to_json(event: ConsentEvent) -> dict[str, Any]:
    """One ledger event as JSON, for exports and the API."""
    return {
        "topic": event.topic,
        "granted": event.granted,
        "channel": event.channel,
        "source": event.source,
        "proof": event.proof,
        "at": event.created_at.isoformat(),
    }


@facts.provider
def _opted_out(request: facts.FactRequest) -> dict[str, Any]:
    """Whether the shopper has stopped us: the consent flow confirms STOP only once."""
    return {"opted_out": stopped(request.session, request.conversation.customer_id)}
