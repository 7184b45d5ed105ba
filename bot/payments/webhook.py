"""`POST /webhooks/stripe`: Stripe's Checkout Session events move orders.

The `Stripe-Signature` header is checked with stripe-python's own verifier against
STRIPE_WEBHOOK_SECRET (its default 5 minutes' tolerance): a missing or wrong signature, or an old
timestamp, gets 403 and changes nothing; a body that is not an event, 400. The event
id is stored in the same transaction as its effects, so a redelivery is answered 200
and changes nothing (DESIGN.md rule 2). Events souk does not use, and sessions it did
not create, are acknowledged with 200 and logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import stripe
from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.app import current_runtime
from bot.errors import BadSignature, MalformedPayload, NotConfigured
from bot.models import Payment, ProviderEvent, utcnow
from bot.payments import Outcome
from bot.payments.results import Note, apply, deliver
from bot.runtime import Runtime
from bot.webhooks import refuse

__all__ = ["bp", "handle_event"]

log = logging.getLogger(__name__)

bp = Blueprint("stripe_webhook", __name__)

COMPLETED = "checkout.session.completed"
SUCCEEDED = "checkout.session.async_payment_succeeded"
FAILED = "checkout.session.async_payment_failed"
EXPIRED = "checkout.session.expired"
HANDLED = (COMPLETED, SUCCEEDED, FAILED, EXPIRED)
# Stripe's decline codes that have a sentence of their own (bot/payments/messages.py).
DECLINES = {"card_declined": "card_declined", "insufficient_funds": "insufficient_funds",
            "expired_card": "expired_card", "generic_decline": "card_declined",
            "processing_error": "processing_error"}


@bp.post("/webhooks/stripe")
def stripe_events() -> Response:
    """Verify, de-duplicate and apply one Stripe event."""
    rt = current_runtime()
    secret = rt.settings.stripe_webhook_secret
    if secret is None:
        return refuse(NotConfigured("STRIPE_WEBHOOK_SECRET is not set"), "stripe")
    payload = request.get_data(cache=False)
    header = request.headers.get("Stripe-Signature")
    if not header:
        return refuse(BadSignature("missing Stripe-Signature"), "stripe")
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret.value,
                                              tolerance=stripe.Webhook.DEFAULT_TOLERANCE)
    except stripe.SignatureVerificationError as exc:
        return refuse(BadSignature(str(exc)), "stripe")
    except UnicodeDecodeError as exc:
        return refuse(MalformedPayload(f"not a Stripe event: {exc}"), "stripe")
    try:
        event = json.loads(payload)
    except ValueError as exc:
        return refuse(MalformedPayload(f"not a Stripe event: {exc}"), "stripe")
    if not _is_event(event):
        return refuse(MalformedPayload("not a Stripe event: no id, type or data.object"),
                      "stripe")
    deliver(rt, handle_event(rt, event))
    return jsonify(received=True)


def _is_event(event: Any) -> bool:
    return (isinstance(event, dict) and isinstance(event.get("id"), str)
            and isinstance(event.get("type"), str)
            and isinstance((event.get("data") or {}).get("object"), dict))


def outcome_of(kind: str, session: dict[str, Any]) -> tuple[Outcome, str | None]:
    """The outcome an event reports, and the failure reason when it failed."""
    if kind == COMPLETED:
        paid = session.get("payment_status") in ("paid", "no_payment_required")
        return (Outcome.PAID if paid else Outcome.AWAITING), None
    if kind == SUCCEEDED:
        return Outcome.PAID, None
    if kind == FAILED:
        # A session does not say why; an expanded PaymentIntent does. Without one, an
        # asynchronous method that fails is a voucher or Pix code that ran out.
        intent = session.get("payment_intent")
        error = intent.get("last_payment_error") if isinstance(intent, dict) else None
        if not isinstance(error, dict):
            return Outcome.FAILED, "voucher_expired"
        code = error.get("decline_code") or error.get("code")
        return Outcome.FAILED, DECLINES.get(str(code), "unknown")
    return Outcome.EXPIRED, None


def handle_event(rt: Runtime, event: dict[str, Any]) -> list[Note]:
    """Apply a verified event once; the messages to send after the commit."""
    kind, session = event["type"], event["data"]["object"]
    with rt.db.session() as s:
        try:
            with s.begin_nested():
                s.add(ProviderEvent(provider="stripe", event_id=event["id"][:255], kind=kind[:80]))
                s.flush()
        except IntegrityError:
            log.info("stripe event %s already handled: ignored", event["id"])
            return []
        if kind not in HANDLED:
            log.info("stripe event %s of type %s acknowledged, not used", event["id"], kind)
            return []
        payment = _payment_of(s, session)
        if payment is None:
            log.info("stripe event %s for unknown session acknowledged", event["id"])
            return []
        outcome, reason = outcome_of(kind, session)
        if outcome is Outcome.PAID and not _amount_matches(payment, session):
            log.error("stripe event %s: amount %s %s does not match payment=%s (%d %s); "
                      "order left as it was", event["id"], session.get("amount_total"),
                      session.get("currency"), payment.id, payment.amount_minor,
                      payment.currency)
            return []
        notes = apply(s, rt, payment, outcome, utcnow(), reason=reason)
        log.info("stripe event %s %s: payment=%s order=%s now %s", event["id"], kind,
                 payment.id, payment.order.number, payment.order.status)
        return notes


def _payment_of(s: Session, session: dict[str, Any]) -> Payment | None:
    """The payment a session belongs to, locked: by its id, or by its metadata.

    A job that created the session but died before storing its id leaves the payment
    without one; the session's metadata still names the payment and its order.
    """
    found = s.scalar(select(Payment).where(Payment.session_id == str(session.get("id")))
                     .with_for_update())
    if found is not None:
        return found
    metadata = session.get("metadata")
    payment_id = str(metadata.get("payment_id", "")) if isinstance(metadata, dict) else ""
    if not payment_id.isdigit():
        return None
    found = s.scalar(select(Payment).where(Payment.id == int(payment_id)).with_for_update())
    if (found is None or found.session_id is not None or found.provider != "stripe"
            or found.order.number != session.get("client_reference_id")):
        return None
    found.session_id = str(session.get("id"))[:255]
    return found


def _amount_matches(payment: Payment, session: dict[str, Any]) -> bool:
    amount, currency = session.get("amount_total"), session.get("currency")
    if not isinstance(amount, int) or not isinstance(currency, str):
        return False
    return amount == payment.amount_minor and currency.upper() == payment.currency
