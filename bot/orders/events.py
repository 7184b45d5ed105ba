"""Recording what happens to an order, and telling the shopper when it matters.

`apply_event` is the one door every status change goes through, whoever reports it:
the merchant API (`source="api"`), checkout on a verified payment (`"payment"`),
souk itself (`"system"`). It stores the event once, derives the order's status
from all its events (bot/orders/status.py), and writes the shopper's notification to
the outbox when the event is news to them:

- the same event twice (same kind and time) is stored once and notified once;
- an event that does not change the status (a late `in_transit` after `delivered`,
  a second scan in transit) is stored for the timeline but not notified, unless it
  brings a new tracking number, or a new note to a customs hold or a delivery
  problem, which the shopper may have to act on.

Whether the notification may reach the shopper (consent, STOP, quiet hours, the
WhatsApp window) is decided when it is sent (bot/rules.py), so a STOP that arrives
in between still wins. A `paid` order whose shopper never answered about order
updates also gets the question (bot/orders/questions.py), once per order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import consent, notices
from bot.models import Order, OrderEvent, Outbox, utcnow
from bot.orders.status import EVENT_KINDS, Happening, derive
from bot.runtime import Runtime

log = logging.getLogger(__name__)

SOURCES = ("api", "payment", "system")
# Events whose note tells the shopper something to do.
ACTIONABLE = frozenset({"customs_hold", "exception", "cancelled"})


@dataclass(frozen=True, slots=True)
class Applied:
    """What apply_event did: the stored event, the status change, the notification."""

    event: OrderEvent
    duplicate: bool  # the same kind at the same time was recorded before: nothing changed
    previous_status: str
    status: str
    notification: Outbox | None  # the shopper's message, if the event was news to them

    @property
    def changed(self) -> bool:
        """Whether the event changed the order's status."""
        return self.status != self.previous_status


def apply_event(
    s: Session,
    order: Order,
    kind: str,
    *,
    source: str,
    occurred_at: datetime | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
    tracking_url: str | None = None,
    note: str | None = None,
    expected_delivery: date | None = None,
    rt: Runtime | None = None,
    notify: bool = True,
) -> Applied:
    """Record `kind` for `order` in the caller's transaction; notify the shopper if news.

    Raises ValueError for an unknown kind or source, or a naive `occurred_at`.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown order event {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
    if source not in SOURCES:
        raise ValueError(f"unknown event source {source!r}")
    at = occurred_at or utcnow()
    if at.tzinfo is None:
        raise ValueError("occurred_at must carry a time zone")
    # One writer per order at a time on PostgreSQL (SQLite serialises writers anyway), so
    # two events arriving together derive the status from each other's rows.
    s.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    s.refresh(order)
    previous = order.status
    existing = _find(s, order.id, kind, at)
    if existing is not None:
        return Applied(existing, True, previous, previous, None)
    event = OrderEvent(
        order_id=order.id, kind=kind, carrier=_clean(carrier), note=_clean(note),
        tracking_number=_clean(tracking_number), tracking_url=_clean(tracking_url),
        occurred_at=at, source=source,
    )
    try:
        with s.begin_nested():
            s.add(event)
            s.flush()
    except IntegrityError:
        # The same event raced in from another request and won: it was news once.
        found = _find(s, order.id, kind, at)
        assert found is not None
        return Applied(found, True, previous, previous, None)
    history = list(s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)))
    # The status before this event counts too: it may have been set without an event
    # (an order created as awaiting_payment), and deriving again from it changes nothing.
    status = derive((Happening(e.kind, e.occurred_at, e.id) for e in history), previous)
    _update_order(order, event, history, status, expected_delivery)
    news = status != previous or _brings_news(event, history, status)
    notification = None
    if news and notify:
        from bot import runtime
        from bot.orders.notify import notify_event

        rt = rt or runtime.get()
        notification = notify_event(s, rt, order, event)
        event.notified = notification is not None
        if kind == "paid":
            _ask_about_updates(s, rt, order)
    log.info("order event order=%s kind=%s source=%s status=%s->%s notified=%s", order.id,
             kind, source, previous, status, event.notified)
    return Applied(event, False, previous, status, notification)


def _ask_about_updates(s: Session, rt: Runtime, order: Order) -> None:
    """A paid order whose shopper never answered about updates: ask them (once per order)."""
    if consent.latest(s, order.customer_id, "order_updates") is None:
        from workers.queues import enqueue_question

        order_id = order.id
        notices.after_commit(s, lambda: enqueue_question(rt, order_id, "updates"))


def _find(s: Session, order_id: int, kind: str, at: datetime) -> OrderEvent | None:
    return s.scalar(select(OrderEvent).where(
        OrderEvent.order_id == order_id, OrderEvent.kind == kind, OrderEvent.occurred_at == at))


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _brings_news(event: OrderEvent, history: list[OrderEvent], status: str) -> bool:
    """Whether an event that left the status alone still tells the shopper something new."""
    if event.kind != status:
        return False
    earlier = [e for e in history if e.kind == event.kind and e.id != event.id]
    if event.tracking_number and all(e.tracking_number != event.tracking_number
                                     for e in earlier):
        return True
    return bool(event.kind in ACTIONABLE and event.note
                and all(e.note != event.note for e in earlier))


def _update_order(order: Order, event: OrderEvent, history: list[OrderEvent], status: str,
                  expected_delivery: date | None) -> None:
    """Bring the order's status, tracking details and dates in line with its events."""
    order.status = status
    if event.kind == "paid" and order.paid_at is None:
        order.paid_at = event.occurred_at
    # Tracking details come from the latest event that carried any, so a late event
    # cannot put back a tracking number the carrier has since replaced.
    tracked = [e for e in history if e.tracking_number or e.carrier or e.tracking_url]
    if tracked:
        latest = max(tracked, key=lambda e: (e.occurred_at, e.id))
        order.carrier = latest.carrier or order.carrier
        order.tracking_number = latest.tracking_number or order.tracking_number
        order.tracking_url = latest.tracking_url or order.tracking_url
    newest = max(history, key=lambda e: (e.occurred_at, e.id))
    if expected_delivery is not None and newest.id == event.id:
        order.expected_delivery = expected_delivery
