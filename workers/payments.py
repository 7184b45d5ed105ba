"""RQ jobs for payments: make an order's payment link, remind once about an unpaid one.

Jobs take ids and find everything else through `bot.runtime.get()`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import effects, i18n, runtime
from bot.errors import PermanentError, RetryableError
from bot.models import Conversation, OrderStatus, Payment, utcnow
from bot.payments import PaymentStatus
from bot.payments import messages as say
from bot.payments.links import link_message, page_token
from bot.payments.stripe_api import create_session, session_params
from bot.runtime import DEFAULT, Runtime
from channels.base import Outgoing
from flows.types import RequestAgent
from workers.jobs import add_reply
from workers.queues import JOB_RETRY, enqueue_send

log = logging.getLogger(__name__)

# Seconds before each new try to reach Stripe; then the shopper is handed to a person.
LINK_RETRY_DELAYS = (2, 10, 30, 120, 600)
_JOB = {"job_timeout": 120, "result_ttl": 0, "failure_ttl": 7 * 24 * 3600}


def enqueue_link(rt: Runtime, payment_id: int, try_number: int = 0,
                 delay: float | None = None) -> None:
    """Ask a worker to make the payment link of `payment_id` (now, or after `delay` s)."""
    queue = rt.queue(DEFAULT)
    if delay:
        queue.enqueue_in(timedelta(seconds=delay), "workers.payments.create_payment_link",
                         payment_id, try_number, retry=JOB_RETRY, **_JOB)
    else:
        queue.enqueue("workers.payments.create_payment_link", payment_id, try_number,
                      retry=JOB_RETRY, **_JOB)


def create_payment_link(payment_id: int, try_number: int = 0) -> None:
    """Make the link (a Stripe Checkout Session or a test checkout page) and send it.

    Failure policy: Stripe is called outside any transaction with the payment's
    idempotency key, so a re-run (this job retried, or run twice) gets the same session
    and the row's status decides, under a row lock, which run writes the message: at
    most one link message per attempt. Retryable Stripe errors try again after
    LINK_RETRY_DELAYS; when those run out, or Stripe refuses the session, the payment
    fails and the shopper is told and handed to a person. Anything else raises and RQ
    retries the job (JOB_RETRY).
    """
    rt = runtime.get()
    with rt.db.session() as s:
        payment = s.get(Payment, payment_id)
        if payment is None or payment.status != PaymentStatus.CREATING.value:
            return
        stripe_call = None
        if payment.provider == "stripe":
            stripe_call = (session_params(payment.order, payment, rt.settings.public_base_url),
                           payment.idempotency_key)
    if stripe_call is not None:
        try:
            session = create_session(rt.settings, *stripe_call)
        except RetryableError as exc:
            if try_number < len(LINK_RETRY_DELAYS):
                log.warning("payment=%s link try %d failed, retrying: %s", payment_id,
                            try_number + 1, exc)
                enqueue_link(rt, payment_id, try_number + 1, LINK_RETRY_DELAYS[try_number])
                return
            _give_up(rt, payment_id, f"gave up after {try_number + 1} tries: {exc}")
            return
        except PermanentError as exc:
            _give_up(rt, payment_id, str(exc))
            return
        session_id, url, expires_at = session.session_id, session.url, session.expires_at
    else:
        session_id, url, expires_at = None, None, None
    with rt.db.session() as s:
        payment = _locked(s, payment_id)
        if payment is None or payment.status != PaymentStatus.CREATING.value:
            return  # another run sent the link
        payment.session_id = session_id
        token = page_token(rt.settings, payment.id)
        payment.url = url or f"{rt.settings.public_base_url}/pay/{token}"
        payment.expires_at = expires_at or payment.expires_at
        payment.status = PaymentStatus.OPEN.value
        conv = _conversation(s, payment)
        row = add_reply(s, rt, conv, link_message(payment.order, payment)) if conv else None
        order_number = payment.order.number
    log.info("payment=%s link ready order=%s provider=%s", payment_id, order_number,
             payment.provider)
    if row is not None:
        enqueue_send(rt, row.id)
    rt.queue(DEFAULT).enqueue_in(timedelta(minutes=rt.shop.reminder_after_minutes),
                                 "workers.payments.remind_unpaid", payment_id, **_JOB)


def remind_unpaid(payment_id: int) -> None:
    """Send the one reminder of a payment link that is still open and unpaid.

    Failure policy: `reminded_at` is set in the transaction that writes the reminder,
    so a re-run sends nothing. Consent to order updates, STOP and the WhatsApp window
    are checked when the message is sent (bot/rules.py), not here.
    """
    rt = runtime.get()
    now = utcnow()
    with rt.db.session() as s:
        payment = _locked(s, payment_id)
        if payment is None or payment.status != PaymentStatus.OPEN.value or payment.reminded_at:
            return
        order = payment.order
        latest = max(p.attempt for p in order.payments)
        unpaid = order.status in (OrderStatus.PENDING.value, OrderStatus.AWAITING_PAYMENT.value)
        if not unpaid or payment.attempt != latest or (payment.expires_at or now) <= now:
            return
        payment.reminded_at = now
        conv = _conversation(s, payment)
        if conv is None:
            return
        row = add_reply(s, rt, conv, say.reminder(order, payment), requested=False,
                        topic="order_updates")
    log.info("payment=%s reminder queued", payment_id)
    enqueue_send(rt, row.id)


def _locked(s: Session, payment_id: int) -> Payment | None:
    return s.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())


def _conversation(s: Session, payment: Payment) -> Conversation | None:
    conv_id = payment.order.conversation_id
    return s.get(Conversation, conv_id) if conv_id else None


def _give_up(rt: Runtime, payment_id: int, error: str) -> None:
    """No link can be made: the payment fails, the shopper is told, a person is asked."""
    log.error("payment=%s link failed: %s", payment_id, error)
    with rt.db.session() as s:
        payment = _locked(s, payment_id)
        if payment is None or payment.status != PaymentStatus.CREATING.value:
            return
        payment.status = PaymentStatus.FAILED.value
        payment.failure_reason = ("link: " + error)[:500]
        conv = _conversation(s, payment)
        if conv is None:
            return
        locale = payment.order.locale or rt.shop.default_locale
        text = i18n.gettext(locale, i18n.N_(
            "Sorry, I couldn't create the payment link for order {number}. I've asked a person "
            "to help you; they'll answer here in this chat."), number=payment.order.number)
        row = add_reply(s, rt, conv, Outgoing(text))
        effects.perform(s, conv, RequestAgent("payment_link_failed"),
                        effects.EffectContext(rt, utcnow(), locale))
    enqueue_send(rt, row.id)
