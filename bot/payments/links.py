"""Payment links: one Payment row per attempt, its link, and the message that carries it.

A link is a Stripe Checkout Session when Stripe is configured, otherwise the built-in
test checkout page `/pay/<token>`. Its token is the payment's id signed with
SECRET_KEY; it expires with the payment (`Payment.expires_at`, checked by the page),
so the database is the one place a link's lifetime is kept. Links live
LINK_LIFETIME: under Stripe's 24-hour maximum, so a session created a little late is
still accepted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from bot import i18n
from bot.config import Settings
from bot.models import Order, Payment, utcnow
from bot.payments import PaymentStatus
from bot.shopping.pricing import describe_methods, format_minor
from channels.base import Outgoing

__all__ = [
    "LINK_LIFETIME",
    "TokenError",
    "link_message",
    "open_payment",
    "read_token",
    "page_token",
]

LINK_LIFETIME = timedelta(hours=23)
_TOKEN_SALT = "souk.test-checkout"


class TokenError(ValueError):
    """A test checkout token that is forged or mangled."""


def idempotency_key(order: Order, attempt: int) -> str:
    """The key that makes a re-run job get the same session: one per order and attempt."""
    return f"checkout:{order.id}:{attempt}"


def open_payment(s: Session, settings: Settings, order: Order,
                 methods: list[str], now: datetime | None = None) -> Payment:
    """A new payment attempt for `order`, whose link a job will make after the commit."""
    now = now or utcnow()
    attempt = max((p.attempt for p in order.payments), default=0) + 1
    payment = Payment(
        order=order,
        attempt=attempt,
        provider="stripe" if settings.stripe_configured else "test",
        idempotency_key=idempotency_key(order, attempt),
        status=PaymentStatus.CREATING.value,
        methods=methods,
        amount_minor=order.total_minor,
        currency=order.currency,
        expires_at=now + LINK_LIFETIME,
        created_at=now,
    )
    s.add(payment)
    s.flush()
    return payment


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key.value, salt=_TOKEN_SALT)


def page_token(settings: Settings, payment_id: int) -> str:
    """The signed token of a test checkout link."""
    return str(_serializer(settings).dumps(payment_id))


def read_token(settings: Settings, token: str) -> int:
    """The payment id in a test checkout token; TokenError if it is forged or mangled."""
    try:
        value = _serializer(settings).loads(token)
    except BadSignature as exc:
        raise TokenError("not a payment link") from exc
    if not isinstance(value, int) or isinstance(value, bool):
        raise TokenError("not a payment link")
    return value


def link_message(order: Order, payment: Payment) -> Outgoing:
    """The message with the payment link, in the order's language."""
    locale = order.locale or "en"
    total = format_minor(order.total_minor, order.currency, locale)
    methods = describe_methods(payment.methods or ["card"], locale)
    if payment.provider == "test":
        text = i18n.gettext(
            locale,
            i18n.N_("Here's the payment link for order {number}: {total}. You can pay by "
                    "{methods}.\nTEST MODE: no payment provider is connected, so no money "
                    "is charged."),
            number=order.number, total=total, methods=methods)
    else:
        text = i18n.gettext(
            locale,
            i18n.N_("Here's your secure payment link for order {number}: {total}. You can pay "
                    "by {methods}. The link is valid for 23 hours."),
            number=order.number, total=total, methods=methods)
    assert payment.url is not None
    return Outgoing(text, link=(i18n.gettext(locale, i18n.N_("Pay {total}"), total=total),
                                payment.url))
