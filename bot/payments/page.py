"""The built-in test checkout page, `/pay/<token>`, used when Stripe is not configured.

It is marked TEST MODE everywhere, shows the order and the payment methods of the
shopper's country, and has two buttons: Pay and Fail payment (with a reason). Both
post a form carrying a signed CSRF token bound to the payment, and enter the same
pipeline as Stripe's events (bot/payments/results.py). The page has no inline
script or style, so a strict Content-Security-Policy can be added later.

Disabled (404) when SOUK_ENABLE_TEST_CHECKOUT is false (the default in production).
`/pay/done`, where Stripe sends shoppers back, is always there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.wrappers import Response

from bot import i18n
from bot.app import current_runtime
from bot.models import Payment, utcnow
from bot.payments import FAILURE_REASONS, Outcome, PaymentStatus
from bot.payments.links import TokenError, read_token
from bot.payments.messages import REASONS
from bot.payments.results import apply, deliver
from bot.shopping.pricing import METHOD_NAMES, format_minor

__all__ = ["bp"]

log = logging.getLogger(__name__)

bp = Blueprint("test_checkout", __name__, url_prefix="/pay")

_CSRF_SALT = "souk.test-checkout.form"
# A test page offers these failures; each has its own sentence for the shopper.
PAGE_REASONS = ("card_declined", "insufficient_funds", "expired_card")
assert set(PAGE_REASONS) <= set(FAILURE_REASONS)


def _translator(locale: str) -> Callable[..., str]:
    """`gettext(msgid, **params)` for templates: %(name)s placeholders, as Jinja writes them."""
    catalog = i18n.translations(locale)

    def gettext(msgid: str, **params: Any) -> str:
        text = str(catalog.gettext(msgid))
        return text % params if params else text

    return gettext


def _locale(value: str | None) -> str:
    return value if value in i18n.SUPPORTED else i18n.SOURCE_LOCALE


def _page(template: str, locale: str, http_status: int = 200,
          **context: Any) -> tuple[str, int]:
    return render_template(template, gettext=_translator(locale), lang=locale.replace("_", "-"),
                           **context), http_status


def _csrf(payment_id: int) -> str:
    serializer = URLSafeSerializer(current_runtime().settings.secret_key.value, salt=_CSRF_SALT)
    return str(serializer.dumps(payment_id))


def _csrf_ok(payment_id: int, token: str) -> bool:
    serializer = URLSafeSerializer(current_runtime().settings.secret_key.value, salt=_CSRF_SALT)
    try:
        return bool(serializer.loads(token) == payment_id)
    except BadSignature:
        return False


@bp.get("/done")
def done() -> tuple[str, int]:
    """Where a shopper lands after paying (or leaving) Stripe's page: back to the chat."""
    result = "paid" if request.args.get("result") == "paid" else "cancelled"
    return _page("pay_message.html", _locale(request.args.get("lang")), result=result)


def _find(token: str) -> Payment | tuple[str, int]:
    """The test payment a token names (detached), or the error page to answer instead."""
    rt = current_runtime()
    if not rt.settings.enable_test_checkout:
        abort(404)
    try:
        payment_id = read_token(rt.settings, token)
    except TokenError:
        return _page("pay_message.html", i18n.SOURCE_LOCALE, 404, result="unknown")
    with rt.db.session() as s:
        payment = s.get(Payment, payment_id)
        if payment is None or payment.provider != "test":
            return _page("pay_message.html", i18n.SOURCE_LOCALE, 404, result="unknown")
        locale = _locale(payment.order.locale)
        open_ = payment.status in (PaymentStatus.CREATING.value, PaymentStatus.OPEN.value)
        if open_ and payment.expires_at is not None and payment.expires_at <= utcnow():
            return _page("pay_message.html", locale, 410, result="expired")
        s.expunge(payment)
    return payment


@bp.get("/<token>")
def show(token: str) -> tuple[str, int]:
    """The test checkout page: TEST MODE, the order, the methods, Pay and Fail payment."""
    found = _find(token)
    if not isinstance(found, Payment):
        return found
    rt = current_runtime()
    with rt.db.session() as s:
        payment = s.get(Payment, found.id)
        assert payment is not None
        order = payment.order
        locale = _locale(order.locale)
        t = _translator(locale)
        context: dict[str, Any] = {
            "shop": rt.shop.name,
            "number": order.number,
            "status": payment.status,
            "lines": [{"quantity": i.quantity, "title": i.title,
                       "total": format_minor(i.unit_minor * i.quantity, order.currency, locale)}
                      for i in order.items],
            "shipping": format_minor(order.shipping_minor, order.currency, locale),
            "total": format_minor(order.total_minor, order.currency, locale),
            "methods": [(m, t(METHOD_NAMES.get(m, m))) for m in payment.methods or ["card"]],
            "reasons": [(r, t(REASONS[r])) for r in PAGE_REASONS],
            "csrf": _csrf(payment.id),
            "token": token,
        }
    return _page("pay.html", locale, **context)


@bp.post("/<token>")
def submit(token: str) -> Response | tuple[str, int]:
    """Pay or fail the payment, then show the page again (post/redirect/get)."""
    found = _find(token)
    if not isinstance(found, Payment):
        return found
    form = request.form
    outcome = form.get("outcome")
    if not _csrf_ok(found.id, form.get("csrf", "")):
        return _page("pay_message.html", i18n.SOURCE_LOCALE, 400, result="forged")
    methods = found.methods or ["card"]
    method = form.get("method") or methods[0]
    reason = form.get("reason") or PAGE_REASONS[0]
    if outcome not in ("paid", "failed") or method not in methods or reason not in PAGE_REASONS:
        return _page("pay_message.html", i18n.SOURCE_LOCALE, 400, result="invalid")
    rt = current_runtime()
    with rt.db.session() as s:
        payment = s.scalar(select(Payment).where(Payment.id == found.id).with_for_update())
        assert payment is not None
        if payment.status != PaymentStatus.OPEN.value:
            # Already paid or failed (a second click, another tab): the page says which.
            return redirect(url_for("test_checkout.show", token=token), code=303)
        notes = apply(s, rt, payment, Outcome(outcome), utcnow(),
                      reason=reason if outcome == "failed" else None, method=method)
        log.info("test checkout: payment=%s %s order=%s", payment.id, outcome,
                 payment.order.number)
    deliver(rt, notes)
    return redirect(url_for("test_checkout.show", token=token), code=303)
