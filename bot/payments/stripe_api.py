"""Stripe Checkout Sessions through the official SDK, pointed at STRIPE_API_BASE.

One session per order attempt, created with the deterministic idempotency key
`checkout:<order id>:<attempt>`: a job that runs twice (a retry, a worker killed
after Stripe answered) gets the same session back instead of opening a second one.
Stripe refuses a replayed key whose parameters differ, so every parameter is derived
from stored rows (the order, its items, the payment's expiry), never from the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import stripe

from bot import i18n
from bot.config import Settings
from bot.errors import PermanentError, RetryableError
from bot.models import Order, Payment
from bot.shopping.places import country_name

__all__ = ["SessionInfo", "create_session", "session_params"]

# Checkout's page languages for the locales souk ships; others let Stripe choose.
STRIPE_LOCALES = {"en": "en", "es": "es", "pt_BR": "pt-BR", "fr": "fr", "de": "de",
                  "id": "id", "ja": "ja", "th": "th", "vi": "vi", "tr": "tr",
                  "zh_Hans": "zh"}
# Vouchers stay payable this many days (Stripe's limits: boleto 1-60, OXXO 1-7).
VOUCHER_DAYS = 3
TIMEOUT_SECONDS = 20


class SessionInfo:
    """What souk keeps of a created session."""

    def __init__(self, session_id: str, url: str, expires_at: datetime) -> None:
        self.session_id = session_id
        self.url = url
        self.expires_at = expires_at


def session_params(order: Order, payment: Payment, base_url: str) -> dict[str, Any]:
    """The Checkout Session for this order attempt, as Stripe's create call takes it."""
    locale = order.locale or "en"
    currency = order.currency.lower()
    line_items: list[dict[str, Any]] = [
        {"price_data": {"currency": currency, "unit_amount": item.unit_minor,
                        "product_data": {"name": item.title[:250]}},
         "quantity": item.quantity}
        for item in order.items
    ]
    if order.shipping_minor:
        name = i18n.gettext(locale, i18n.N_("Shipping ({country})"),
                            country=country_name(order.country or "", locale))
        line_items.append({"price_data": {"currency": currency,
                                          "unit_amount": order.shipping_minor,
                                          "product_data": {"name": name}},
                           "quantity": 1})
    metadata = {"order_number": order.number, "order_id": str(order.id),
                "payment_id": str(payment.id), "attempt": str(payment.attempt)}
    methods = list(payment.methods or ["card"])
    assert payment.expires_at is not None
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": line_items,
        "payment_method_types": methods,
        "client_reference_id": order.number,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "expires_at": int(payment.expires_at.timestamp()),
        "success_url": f"{base_url}/pay/done?result=paid&lang={locale}",
        "cancel_url": f"{base_url}/pay/done?result=cancelled&lang={locale}",
        "locale": STRIPE_LOCALES.get(locale, "auto"),
    }
    if order.email:
        params["customer_email"] = order.email
    options = {m: {"expires_after_days": VOUCHER_DAYS} for m in ("boleto", "oxxo") if m in methods}
    if options:
        params["payment_method_options"] = options
    return params


def create_session(settings: Settings, params: Mapping[str, Any],
                   idempotency_key: str) -> SessionInfo:
    """Create (or get back, for a key used before) a Checkout Session.

    Raises RetryableError for what may pass (network, 429, Stripe's 5xx, a concurrent
    request with the same key) and PermanentError for what will not (a refused
    parameter, a bad key).
    """
    assert settings.stripe_secret_key is not None
    client = stripe.StripeClient(
        settings.stripe_secret_key.value,
        base_addresses={"api": settings.stripe_api_base},
        # souk's job retries with backoff; an SDK retry inside it would hide the failure.
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )
    try:
        session = client.v1.checkout.sessions.create(
            params=dict(params),  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key},
        )
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise RetryableError(f"Stripe unreachable or busy: {exc.user_message or exc}",
                             code=exc.code) from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        if status >= 500 or status == 409:
            raise RetryableError(f"Stripe error {status}: {exc.user_message or exc}",
                                 code=exc.code) from exc
        raise PermanentError(f"Stripe refused the session ({status}): {exc.user_message or exc}",
                             code=exc.code) from exc
    if not session.url:
        raise PermanentError(f"Stripe session {session.id} has no URL", code="no_url")
    return SessionInfo(session.id, session.url, datetime.fromtimestamp(session.expires_at, UTC))
