"""A shopper's data: everything stored about them as JSON, and its erasure.

Erasure removes what identifies the shopper or what they wrote, everywhere souk
keeps it, and keeps what the merchant's books need:

| kept | removed |
| --- | --- |
| the customer row (an id, locale, country) | name |
| orders: number, amounts, items, statuses, payments | shipping name and address, email, the shopper's address, order meta, event notes |
| conversations and messages as rows (counts, times, statuses) | addresses (replaced by a random tombstone), bodies, payloads, rendered parts, meta, provider error texts |
| the consent ledger (proof of what was allowed) | — |
| — | the cart, the hot state and rate-limit counters in Redis |

The tombstone (`erased:<random>`) is not derived from the address, so it cannot be
reversed. Pending replies are dropped and unprocessed messages closed, so no job
touches the conversation again. The erasure itself is audited, naming the
customer's id, never the address. RQ jobs carry ids only, so queues hold nothing
to erase. On SQLite the freed space is zeroed and the write-ahead log emptied, so the
file itself keeps nothing; on PostgreSQL old row versions remain on disk until
(auto)vacuum reclaims them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from bot import audit, consent
from bot.errors import SoukError
from bot.models import (
    Cart,
    ChannelAddress,
    Conversation,
    Customer,
    Direction,
    Message,
    MessageStatus,
    Order,
    OrderEvent,
    Outbox,
    OutboxState,
    utcnow,
)
from bot.runtime import Runtime
from channels.base import Address
from workers import throttle

__all__ = ["Erasure", "ErasureBusy", "erase", "export", "find_customer"]

EXPORT_FORMAT = "souk.customer-export/1"
# The process and send jobs lock a conversation under these names (workers/jobs.py).
LOCKS = ("souk:lock:conv:{id}", "souk:lock:send:{id}")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def find_customer(s: Session, address: str) -> Customer | None:
    """The customer behind a channel address; ValueError if `address` is not one."""
    key = str(Address.parse(address))
    row = s.scalar(select(ChannelAddress).where(ChannelAddress.address == key))
    if row is not None:
        return row.customer
    conv = s.scalar(select(Conversation).where(Conversation.address == key))
    return conv.customer if conv is not None else None


def _message(m: Message) -> dict[str, Any]:
    return {
        "id": m.id, "direction": m.direction, "channel": m.channel, "author": m.author,
        "kind": m.kind, "text": m.body, "payload": m.payload, "meta": m.meta,
        "requested": m.requested, "topic": m.topic, "status": m.status,
        "at": _iso(m.created_at), "sent_at": _iso(m.sent_at),
    }


def _order(o: Order) -> dict[str, Any]:
    return {
        "number": o.number, "status": o.status, "source": o.source, "address": o.address,
        "currency": o.currency, "subtotal_minor": o.subtotal_minor,
        "shipping_minor": o.shipping_minor, "total_minor": o.total_minor,
        "shipping_name": o.shipping_name, "shipping_address": o.shipping_address,
        "email": o.email, "payment_method": o.payment_method, "carrier": o.carrier,
        "tracking_number": o.tracking_number, "tracking_url": o.tracking_url,
        "created_at": _iso(o.created_at), "paid_at": _iso(o.paid_at),
        "items": [{"sku": i.sku, "title": i.title, "options": i.options,
                   "quantity": i.quantity, "unit_minor": i.unit_minor} for i in o.items],
        "events": [{"kind": e.kind, "carrier": e.carrier, "tracking_number": e.tracking_number,
                    "note": e.note, "at": _iso(e.occurred_at)} for e in o.events],
        "payments": [{"provider": p.provider, "status": p.status, "methods": p.methods,
                      "amount_minor": p.amount_minor, "currency": p.currency,
                      "at": _iso(p.created_at)} for p in o.payments],
    }


def export(s: Session, customer: Customer) -> dict[str, Any]:
    """Everything stored about `customer`, as one JSON-ready object."""
    conversations = s.scalars(
        select(Conversation).where(Conversation.customer_id == customer.id)
        .order_by(Conversation.id)).all()
    orders = s.scalars(select(Order).where(Order.customer_id == customer.id)
                       .order_by(Order.id)).all()
    cart = s.scalar(select(Cart).where(Cart.customer_id == customer.id))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(utcnow()),
        "customer": {
            "id": customer.id, "name": customer.name, "locale": customer.locale,
            "country": customer.country, "timezone": customer.timezone,
            "created_at": _iso(customer.created_at), "erased_at": _iso(customer.erased_at),
        },
        "addresses": [{"address": a.address, "channel": a.channel, "created_at": _iso(a.created_at)}
                      for a in customer.addresses],
        "consent": {"current": consent.current(s, customer.id),
                    "ledger": [consent.to_json(e) for e in consent.ledger(s, customer.id)]},
        "conversations": [
            {"id": c.id, "address": c.address, "channel": c.channel, "locale": c.locale,
             "status": c.status, "created_at": _iso(c.created_at),
             "last_inbound_at": _iso(c.last_inbound_at),
             "messages": [_message(m) for m in s.scalars(
                 select(Message).where(Message.conversation_id == c.id).order_by(Message.id))]}
            for c in conversations
        ],
        "orders": [_order(o) for o in orders],
        "cart": None if cart is None else {
            "updated_at": _iso(cart.updated_at),
            "items": [{"sku": i.variant.sku if i.variant else i.product.sku,
                       "quantity": i.quantity} for i in cart.items],
        },
    }


class ErasureBusy(SoukError):
    """A job kept one of the shopper's conversations busy: nothing was erased; retry."""


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure changed, for the caller's report (no personal data in it)."""

    customer_id: int
    erased_at: datetime
    conversations: int
    messages: int
    orders: int

    def to_json(self) -> dict[str, Any]:
        """The report as JSON: counts and times, nothing personal."""
        return {"customer_id": self.customer_id, "erased_at": _iso(self.erased_at),
                "conversations": self.conversations, "messages": self.messages,
                "orders": self.orders}


def erase(rt: Runtime, customer_id: int, *, actor: str, ip: str | None = None) -> Erasure:
    """Erase a customer's personal data from SQL and Redis; audited. See the module doc."""
    with rt.db.session() as s:
        ids = list(s.scalars(select(Conversation.id).where(
            Conversation.customer_id == customer_id)))
    sqlite = rt.db.engine.dialect.name == "sqlite"
    # Hold the conversations' locks so no process or send job runs beside the erasure.
    held = []
    try:
        for lock in (rt.redis.lock(name.format(id=i), timeout=120, blocking_timeout=30)
                     for i in ids for name in LOCKS):
            if not lock.acquire():
                raise ErasureBusy("a shopper's conversation stayed busy; try again shortly")
            held.append(lock)
        with rt.db.session() as s:
            if sqlite:
                # Overwrite freed space with zeros instead of leaving old rows in the file.
                s.execute(text("PRAGMA secure_delete = ON"))
            result = _erase_rows(s, customer_id, ids)
            audit.record(s, actor, "customer.erase", f"customer:{customer_id}", ip,
                         {"conversations": result.conversations, "messages": result.messages,
                          "orders": result.orders})
        with rt.db.session() as s:
            # A webhook that found the conversation before its address was tombstoned
            # may commit one more message after the erasure: take it too. Touching the
            # conversations first waits for such a writer on PostgreSQL.
            s.execute(update(Conversation).where(Conversation.id.in_(ids))
                      .values(updated_at=utcnow()))
            _scrub_messages(s, ids, utcnow())
    finally:
        for lock in held:
            lock.release()
    if sqlite:
        _checkpoint(rt)
    for conversation_id in ids:
        rt.state.delete(conversation_id)
        rt.redis.delete(*throttle.keys(conversation_id))
    return result


def _checkpoint(rt: Runtime) -> None:
    """Fold SQLite's write-ahead log into the file and empty it: old pages live there too.

    On PostgreSQL, old row versions stay on disk until (auto)vacuum reclaims them.
    """
    raw = rt.db.engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _tombstone() -> str:
    return "erased:" + secrets.token_urlsafe(12)


def _erase_rows(s: Session, customer_id: int, ids: list[int]) -> Erasure:
    now = utcnow()
    customer = s.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"no customer {customer_id}")
    customer.name = None
    customer.timezone = None
    customer.erased_at = now
    for row in customer.addresses:
        row.address = _tombstone()
    messages = _scrub_messages(s, ids, now)
    for conv in s.scalars(select(Conversation).where(Conversation.id.in_(ids))):
        conv.address = _tombstone()
    order_ids = list(s.scalars(select(Order.id).where(Order.customer_id == customer_id)))
    s.execute(update(Order).where(Order.id.in_(order_ids)).values(
        address=None, shipping_name=None, shipping_address=None, email=None, meta=None))
    s.execute(update(OrderEvent).where(OrderEvent.order_id.in_(order_ids)).values(note=None))
    s.execute(delete(Cart).where(Cart.customer_id == customer_id))
    return Erasure(customer_id, now, len(ids), messages, len(order_ids))


def _scrub_messages(s: Session, ids: list[int], now: datetime) -> int:
    """Empty the conversations' messages and close what jobs would still do with them."""
    in_conversations = Message.conversation_id.in_(ids)
    s.execute(update(Message).where(in_conversations, Message.direction == Direction.OUT.value,
                                    Message.status.in_(("pending", "sending")))
              .values(status=MessageStatus.DROPPED.value))
    s.execute(update(Message).where(in_conversations, Message.direction == Direction.IN.value,
                                    Message.processed_at.is_(None))
              .values(processed_at=now, status=MessageStatus.PROCESSED.value))
    s.execute(update(Outbox).where(Outbox.conversation_id.in_(ids))
              .values(state=OutboxState.DONE.value, last_error=None))
    result = s.execute(update(Message).where(in_conversations).values(
        body=None, payload=None, meta=None, content=None, parts=None, error_message=None))
    return int(getattr(result, "rowcount", 0) or 0)
