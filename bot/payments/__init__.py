"""Payments: a link per order attempt, and what happens when the payment lands or fails.

    PlaceOrder ─► Payment(creating) ─commit─► job: Stripe Checkout Session or the test
    checkout page ─► link message (outbox) ─► Payment(open) ─► one reminder if unpaid
    Stripe event / test page ─► results.apply ─► order paid, awaiting, failed or expired
    ─► a message to the shopper (outbox)

With STRIPE_SECRET_KEY set, links are Stripe Checkout Sessions; without it, the
built-in test checkout page at /pay/<token>, which is clearly marked as test mode.
"""

from __future__ import annotations

import enum

__all__ = ["FAILURE_REASONS", "Outcome", "PaymentStatus"]


class PaymentStatus(str, enum.Enum):  # noqa: UP042 - str(...) stays the member name
    """A payment attempt's status. Persisted: values never change without a migration."""

    CREATING = "creating"  # the row exists; the link is being made by a job
    OPEN = "open"  # the link was sent and may be paid
    PROCESSING = "processing"  # a voucher or Pix was issued; the money has not cleared
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def final(self) -> bool:
        return self in (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.EXPIRED)


class Outcome(str, enum.Enum):  # noqa: UP042
    """What a payment provider (or the test page) says happened."""

    PAID = "paid"
    AWAITING = "awaiting"  # completed, but paid later: Pix, boleto, OXXO
    FAILED = "failed"
    EXPIRED = "expired"


# Why a payment failed, as the shopper is told (bot/payments/messages.py).
FAILURE_REASONS = (
    "card_declined",
    "insufficient_funds",
    "expired_card",
    "voucher_expired",
    "processing_error",
    "unknown",
)
