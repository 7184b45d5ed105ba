"""Orders the merchant's systems create through the API, for a shopper's address.

The address finds the shopper's conversation, or starts one (bot/inbox.py), so the
order's messages reach the chat the shopper knows. Consent the merchant collected
(e.g. a checkbox on the storefront) is recorded with the API key as its proof; a
shopper who never said yes or no to order updates is asked once, in the chat.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent, i18n, language, money, notices
from bot.errors import InputError
from bot.inbox import conversation_for
from bot.models import CustomerTag, Order, OrderItem
from bot.quiet import valid_zone
from bot.runtime import Runtime
from channels.base import Address

NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


class OrderExists(InputError):
    """An order with that number exists already."""


@dataclass(frozen=True, slots=True)
class Line:
    """One item of a new order, priced in the order's currency."""

    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    options: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class NewOrder:
    """What the merchant API accepts to create an order (validated by its schema)."""

    address: Address
    currency: str
    items: Sequence[Line] = ()
    number: str | None = None
    shipping: Decimal = Decimal(0)
    locale: str | None = None
    name: str | None = None
    timezone: str | None = None
    tags: Sequence[str] = ()
    consent: Mapping[str, bool] = field(default_factory=dict)
    expected_delivery: date | None = None


def new_number(s: Session) -> str:
    """A short unused order number a shopper can type: six digits, more if crowded."""
    for digits in (6, 6, 6, 8, 8, 10):
        number = str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
        if s.scalar(select(Order.id).where(Order.number == number)) is None:
            return number
    raise RuntimeError("no free order number found")


def create_order(s: Session, rt: Runtime, new: NewOrder, *, proof: str) -> Order:
    """Create the order in the caller's transaction; raise InputError for bad input."""
    if new.number is not None and not NUMBER.fullmatch(new.number):
        raise InputError("an order number is 1-40 letters, digits, dots, dashes or underscores")
    number = new.number or new_number(s)
    if s.scalar(select(Order.id).where(Order.number == number)) is not None:
        raise OrderExists(f"order {number} exists already")
    currency = new.currency.upper()
    try:
        fx_rate = money.rate(rt.shop, rt.shop.base_currency, currency)
    except money.UnknownCurrency as exc:
        raise InputError(f"the shop file has no exchange rate for {currency}") from exc
    conv = conversation_for(s, new.address, new.name)
    customer = conv.customer
    phone = new.address.phone
    if new.timezone:
        if not valid_zone(new.timezone):
            raise InputError(f"unknown time zone {new.timezone!r}")
        customer.timezone = new.timezone
    if customer.country is None and phone:
        customer.country = language.country_of(phone)
    locale = (i18n.negotiate(new.locale) if new.locale else None) or customer.locale or (
        language.from_phone(phone) if phone else None) or rt.shop.default_locale
    if new.locale or customer.locale is None:
        customer.locale = locale
    conv.locale = conv.locale or locale
    for tag in sorted(set(new.tags)):
        if s.get(CustomerTag, (customer.id, tag)) is None:
            s.add(CustomerTag(customer_id=customer.id, tag=tag))
    for topic, granted in new.consent.items():
        consent.record(s, customer.id, topic, granted, source="api", channel=conv.channel,
                       proof=proof)
    lines = [(line, money.to_minor(line.unit_price, currency)) for line in new.items]
    subtotal = sum(unit * line.quantity for line, unit in lines)
    shipping = money.to_minor(new.shipping, currency)
    order = Order(
        number=number, customer_id=customer.id, conversation_id=conv.id, address=str(new.address),
        source="api", currency=currency, base_currency=rt.shop.base_currency, fx_rate=fx_rate,
        subtotal_minor=subtotal, shipping_minor=shipping, total_minor=subtotal + shipping,
        locale=locale, country=customer.country, expected_delivery=new.expected_delivery,
        items=[OrderItem(sku=line.sku, title=line.title, quantity=line.quantity,
                         unit_minor=unit, options=dict(line.options) if line.options else None)
               for line, unit in lines],
    )
    s.add(order)
    s.flush()
    if consent.latest(s, customer.id, "order_updates") is None and not consent.stopped(
        s, customer.id
    ):
        from workers.queues import enqueue_question

        order_id = order.id
        notices.after_commit(s, lambda: enqueue_question(rt, order_id, "updates"))
    return order
