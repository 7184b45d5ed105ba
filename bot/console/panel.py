"""The shopper's panel beside a conversation: language, country, consent, orders, cart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import consent, i18n
from bot.models import Cart, CartItem, Conversation, Order
from bot.money import from_minor

RECENT_ORDERS = 5
# How the console writes amounts: agents read the console in English.
CONSOLE_LOCALE = "en"


@dataclass(frozen=True, slots=True)
class ConsentLine:
    """One topic of the consent ledger as it stands now."""

    topic: str
    granted: bool | None  # None: never asked
    source: str | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One of the shopper's recent orders."""

    number: str
    status: str
    total: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of the shopper's cart."""

    title: str
    options: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Panel:
    """Everything the console shows about the shopper behind a conversation."""

    name: str | None
    locale: str | None
    language: str | None  # the locale's name, in English
    country: str | None
    stopped: bool
    consent: list[ConsentLine]
    orders: list[OrderLine]
    cart: list[CartLine]


def _language(locale: str | None) -> str | None:
    if not locale:
        return None
    try:
        return str(i18n.babel_locale(locale).get_display_name(CONSOLE_LOCALE))
    except (ValueError, LookupError):
        return locale


def _title(titles: dict[str, str] | None, locale: str | None) -> str:
    titles = titles or {}
    return (titles.get(locale or "") or titles.get(CONSOLE_LOCALE)
            or next(iter(titles.values()), "?"))


def load(s: Session, conv: Conversation) -> Panel:
    """The panel for `conv`."""
    customer = conv.customer
    lines = []
    for topic in ("all", *consent.TOPICS):
        last = consent.latest(s, customer.id, topic)
        lines.append(ConsentLine(topic, last.granted if last else None,
                                 last.source if last else None,
                                 last.created_at if last else None))
    orders = s.scalars(select(Order).where(Order.customer_id == customer.id)
                       .order_by(Order.created_at.desc(), Order.id.desc())
                       .limit(RECENT_ORDERS)).all()
    cart = s.scalar(select(Cart).where(Cart.customer_id == customer.id).options(
        selectinload(Cart.items).selectinload(CartItem.product),
        selectinload(Cart.items).selectinload(CartItem.variant)))
    return Panel(
        name=customer.name,
        locale=conv.locale,
        language=_language(conv.locale),
        country=customer.country,
        stopped=consent.stopped(s, customer.id),
        consent=lines,
        orders=[OrderLine(o.number, o.status,
                          i18n.format_money(from_minor(o.total_minor, o.currency), o.currency,
                                            CONSOLE_LOCALE), o.created_at) for o in orders],
        cart=[CartLine(_title(item.product.title, conv.locale),
                       ", ".join(f"{k}: {v}" for k, v in (item.variant.options
                                                          if item.variant else {}).items()),
                       item.quantity) for item in (cart.items if cart else [])],
    )
