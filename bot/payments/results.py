"""A payment's result, from Stripe or the test page, moving the payment and its order.

    paid      payment paid; order paid (paid_at, an OrderEvent "paid" from "payment"),
              stock taken; the shopper gets the confirmation
    awaiting  a voucher or Pix was issued: payment processing, order awaiting_payment;
              the shopper is told how to finish
    failed    payment failed with a reason; the shopper may try again; the second
              failed attempt hands the conversation to a person
    expired   the link expired unpaid; the shopper is offered a new one

Results arrive late, twice and out of order (PROVIDERS.md §8), so a payment only
moves forward: nothing changes a paid payment, and a failure or expiry after a
final status is ignored. Everything happens in the caller's transaction; the
caller sends the returned outbox rows after the commit.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

from redis.exceptions import LockError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent, effects
from bot.models import Conversation, Order, OrderEvent, OrderStatus, Payment, Product, Variant
from bot.payments import Outcome, PaymentStatus
from bot.payments import messages as say
from bot.runtime import Runtime
from channels.base import Outgoing
from flows.types import RequestAgent
from workers.jobs import add_reply
from workers.queues import enqueue_send

__all__ = ["Note", "apply", "deliver"]

log = logging.getLogger(__name__)

TOPIC = "order_updates"
UNPAID = (OrderStatus.PENDING.value, OrderStatus.AWAITING_PAYMENT.value)
# The second failed attempt of one order brings a person in.
FAILURES_BEFORE_PERSON = 2


@dataclass(frozen=True, slots=True)
class Note:
    """A message written to the outbox, to send once the transaction commits."""

    conversation_id: int
    outbox_id: int
    reply: Outgoing


def apply(s: Session, rt: Runtime, payment: Payment, outcome: Outcome, now: datetime, *,
          reason: str | None = None, method: str | None = None) -> list[Note]:
    """Record `outcome` for `payment`; write the shopper's messages to the outbox."""
    status = PaymentStatus(payment.status)
    if status is PaymentStatus.PAID:
        log.info("payment result ignored: payment=%s is paid already outcome=%s",
                 payment.id, outcome.value)
        return []
    if outcome is Outcome.PAID:
        return _paid(s, rt, payment, now, method)
    if status.final:
        log.info("payment result ignored: payment=%s is %s outcome=%s", payment.id,
                 status.value, outcome.value)
        return []
    if outcome is Outcome.AWAITING:
        return _awaiting(s, rt, payment, now)
    if outcome is Outcome.FAILED:
        return _failed(s, rt, payment, now, reason or "unknown")
    return _expired(s, rt, payment, now)


def _send(s: Session, rt: Runtime, order: Order, reply: Outgoing, *,
          requested: bool = True) -> list[Note]:
    conv = s.get(Conversation, order.conversation_id) if order.conversation_id else None
    if conv is None:
        log.info("order=%s has no conversation to tell", order.number)
        return []
    row = add_reply(s, rt, conv, reply, requested=requested, topic=TOPIC)
    return [Note(conv.id, row.id, reply)]


def deliver(rt: Runtime, notes: list[Note]) -> None:
    """After the commit: send the messages, and remember their buttons for typed answers.

    On WhatsApp and SMS buttons are numbered lines, so "1" must mean this message's
    first option. The conversation's hot state is updated under its lock; if the lock
    is busy the shopper can still tap or type the option's words.
    """
    for note in notes:
        enqueue_send(rt, note.outbox_id)
        if not note.reply.options:
            continue
        lock = rt.redis.lock(f"souk:lock:conv:{note.conversation_id}", timeout=10,
                             blocking_timeout=2)
        if not lock.acquire():
            log.info("options not remembered: conversation=%s is busy", note.conversation_id)
            continue
        try:
            hot = rt.state.load(note.conversation_id)
            hot.options = [[o.label, o.payload] for o in note.reply.options]
            rt.state.save(note.conversation_id, hot)
        finally:
            with contextlib.suppress(LockError):
                lock.release()


def _paid(s: Session, rt: Runtime, payment: Payment, now: datetime,
          method: str | None) -> list[Note]:
    order = payment.order
    payment.status = PaymentStatus.PAID.value
    if order.status not in UNPAID:
        # Paid twice (two attempts, both paid): a person must refund one.
        log.error("order=%s was %s and payment=%s was paid too", order.number, order.status,
                  payment.id)
        _ask_person(s, rt, order, now, "paid_twice")
        return []
    order.status = OrderStatus.PAID.value
    order.paid_at = now
    order.payment_method = method or order.payment_method
    s.add(OrderEvent(order=order, kind="paid", source="payment", occurred_at=now,
                     note=f"{payment.provider} attempt {payment.attempt}"))
    _take_stock(s, order)
    conv = s.get(Conversation, order.conversation_id) if order.conversation_id else None
    if conv is None:
        return []
    updates = consent.allowed(s, order.customer_id, TOPIC)
    return _send(s, rt, order, say.confirmation(rt.shop, order, conv, now, updates))


def _take_stock(s: Session, order: Order) -> None:
    """Sold units leave stock; a count that would go negative stops at zero (logged)."""
    for item in order.items:
        row: Variant | Product | None = s.scalar(select(Variant).where(Variant.sku == item.sku))
        if row is None:
            row = s.scalar(select(Product).where(Product.sku == item.sku))
        if row is None or row.stock is None:
            continue
        if row.stock < item.quantity:
            log.warning("order=%s oversold sku=%s stock=%s quantity=%s", order.number,
                        item.sku, row.stock, item.quantity)
        row.stock = max(row.stock - item.quantity, 0)


def _awaiting(s: Session, rt: Runtime, payment: Payment, now: datetime) -> list[Note]:
    order = payment.order
    payment.status = PaymentStatus.PROCESSING.value
    if order.status == OrderStatus.PENDING.value:
        order.status = OrderStatus.AWAITING_PAYMENT.value
    return _send(s, rt, order, say.awaiting(order, payment))


def _failed(s: Session, rt: Runtime, payment: Payment, now: datetime,
            reason: str) -> list[Note]:
    order = payment.order
    payment.status = PaymentStatus.FAILED.value
    payment.failure_reason = reason
    if order.status not in UNPAID:
        return []
    order.status = OrderStatus.PENDING.value
    failures = sum(1 for p in order.payments if p.status == PaymentStatus.FAILED.value)
    handed_over = failures >= FAILURES_BEFORE_PERSON
    replies = _send(s, rt, order, say.failed(order, reason, handed_over))
    if handed_over:
        _ask_person(s, rt, order, now, "payment_failed")
    return replies


def _expired(s: Session, rt: Runtime, payment: Payment, now: datetime) -> list[Note]:
    order = payment.order
    payment.status = PaymentStatus.EXPIRED.value
    latest = max(order.payments, key=lambda p: p.attempt)
    if order.status not in UNPAID or latest.id != payment.id:
        return []  # paid, or a newer link is out: nothing to say
    if order.status == OrderStatus.AWAITING_PAYMENT.value:
        order.status = OrderStatus.PENDING.value
    # Not an answer to anything the shopper just did: it needs their consent.
    return _send(s, rt, order, say.expired(order), requested=False)


def _ask_person(s: Session, rt: Runtime, order: Order, now: datetime, reason: str) -> None:
    conv = s.get(Conversation, order.conversation_id) if order.conversation_id else None
    if conv is not None:
        ctx = effects.EffectContext(rt, now, order.locale or rt.shop.default_locale)
        effects.perform(s, conv, RequestAgent(reason), ctx)
