"""Turning the cart into an order, and giving an unpaid order a new payment link.

Both run in the worker's transaction (bot/effects.py). The link itself is slow I/O
(Stripe), so it is made by a job queued after the commit (workers/payments.py).
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import consent, i18n, money
from bot.effects import EffectContext, handles
from bot.models import Conversation, Order, OrderItem, OrderStatus
from bot.payments import PaymentStatus
from bot.payments.links import link_message, open_payment
from bot.shopping.cart import cart_of, stock_of
from bot.shopping.pricing import methods_for, quote
from channels.base import Option, Outgoing
from flows.checkout import PlaceOrder, RetryPayment

log = logging.getLogger(__name__)

# Order numbers are short and human ("1042"): the order's id past this offset.
NUMBER_OFFSET = 1000
N_ = i18n.N_


def _reply(locale: str, msgid: str, *options: Option, **params: object) -> list[Outgoing]:
    return [Outgoing(i18n.gettext(locale, msgid, **params), options=options)]


def assign_number(s: Session, order: Order) -> None:
    """Give a flushed order its number: id + 1000, or a longer one if that is taken.

    Orders the merchant API creates may carry numbers of their own, so the natural
    number can be taken; the unique index decides, inside a savepoint.
    """
    candidates = [str(NUMBER_OFFSET + order.id)]
    candidates += [f"{NUMBER_OFFSET + order.id}-{n}" for n in range(2, 6)]
    for number in candidates:
        try:
            with s.begin_nested():
                order.number = number
                s.flush()
            return
        except IntegrityError:
            log.info("order number %s is taken, trying another", number)
    order.number = uuid.uuid4().hex[:12]
    s.flush()


@handles(PlaceOrder)
def place_order(s: Session, conv: Conversation, action: PlaceOrder,
                ctx: EffectContext) -> list[Outgoing] | None:
    """Order what is in the cart, empty the cart, and queue the payment link."""
    rt, locale = ctx.rt, ctx.locale
    cart = cart_of(s, conv.customer_id)
    items = list(cart.items) if cart is not None else []
    if not items:
        return _reply(locale, N_("Your cart is empty, so there's nothing to pay for yet."))
    for item in items:
        stock = stock_of(item.product, item.variant)
        if not item.product.active or (stock is not None and stock < item.quantity):
            return _reply(locale, N_("Some items in your cart changed while you were checking "
                                     "out. Please look at your cart again."),
                          Option(i18n.gettext(locale, N_("View cart")), "cart"))
    currency = money.display_currency(rt.shop, action.country)
    q = quote(rt.shop, [(i.product, i.variant, i.quantity) for i in items],
              currency=currency, country=action.country, locale=locale)
    if not q.ships:
        return _reply(locale, N_("Sorry, we don't ship there yet."))
    order = Order(
        number=f"new-{uuid.uuid4().hex}",
        customer_id=conv.customer_id,
        conversation_id=conv.id,
        address=conv.address,
        status=OrderStatus.PENDING.value,
        source="chat",
        currency=q.currency,
        base_currency=q.base_currency,
        fx_rate=q.fx_rate,
        subtotal_minor=q.subtotal_minor,
        shipping_minor=q.shipping_minor or 0,
        total_minor=q.total_minor,
        locale=locale,
        country=action.country,
        shipping_name=action.name,
        shipping_address=dict(action.address),
        email=action.email,
        created_at=ctx.now,
    )
    order.items = [
        OrderItem(sku=line.sku, title=line.title, options=dict(line.options or {}) or None,
                  quantity=line.quantity, unit_minor=line.unit_minor)
        for line in q.lines
    ]
    s.add(order)
    s.flush()
    assign_number(s, order)
    assert cart is not None
    cart.items.clear()
    if action.updates is not None:
        consent.record(s, conv.customer_id, "order_updates", action.updates, source="checkout",
                       channel=conv.channel, proof=ctx.proof, at=ctx.now)
    conv.customer.country = action.country
    methods = list(methods_for(rt.shop, action.country, q.currency, email=bool(action.email)))
    payment = open_payment(s, rt.settings, order, methods, ctx.now)
    log.info("order=%s placed conversation=%s total=%d %s lines=%d", order.number, conv.id,
             order.total_minor, order.currency, len(order.items))
    _queue_link(ctx, payment.id)
    return None


def _queue_link(ctx: EffectContext, payment_id: int) -> None:
    from workers.payments import enqueue_link

    rt = ctx.rt
    ctx.after_commit.append(lambda: enqueue_link(rt, payment_id))


@handles(RetryPayment)
def retry_payment(s: Session, conv: Conversation, action: RetryPayment,
                  ctx: EffectContext) -> list[Outgoing] | None:
    """A new link for an unpaid order of this shopper, or the open one again."""
    locale = ctx.locale
    order = s.scalar(select(Order).where(Order.number == action.order_number,
                                         Order.customer_id == conv.customer_id))
    if order is None:
        return _reply(locale, N_("I can't find that order. Write PERSON and someone will help."))
    if order.status not in (OrderStatus.PENDING.value, OrderStatus.AWAITING_PAYMENT.value):
        return _reply(locale, N_("Order {number} is already paid. Thank you!"),
                      number=order.number)
    latest = max(order.payments, key=lambda p: p.attempt, default=None)
    if latest is not None and latest.status == PaymentStatus.PROCESSING.value:
        return _reply(locale, N_("We're still waiting for the payment of order {number} to "
                                 "clear. I'll tell you here as soon as it does."),
                      number=order.number)
    if latest is not None and latest.status == PaymentStatus.CREATING.value:
        return None  # its link is on the way
    if (latest is not None and latest.status == PaymentStatus.OPEN.value and latest.url
            and latest.expires_at and latest.expires_at > ctx.now):
        return [link_message(order, latest)]
    methods = list((latest.methods if latest is not None else None) or ["card"])
    payment = open_payment(s, ctx.rt.settings, order, methods, ctx.now)
    log.info("order=%s new payment attempt=%d", order.number, payment.attempt)
    _queue_link(ctx, payment.id)
    return None


__all__ = ["assign_number", "place_order", "retry_payment"]
