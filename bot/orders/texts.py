"""What shoppers read about their orders, in their language: notices, cards, timelines.

Every sentence is a gettext msgid; numbers, carriers and links are filled in after
translation. Dates and times are written the locale's way, on the shopper's clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time

from bot.i18n import N_, babel_locale, format_money, gettext
from bot.models import Order, OrderEvent
from bot.money import from_minor

STATUS = {
    "pending": N_("Waiting for payment"),
    "awaiting_payment": N_("Waiting for payment"),
    "paid": N_("Paid"),
    "shipped": N_("Shipped"),
    "in_transit": N_("In transit"),
    "customs_hold": N_("Held at customs"),
    "out_for_delivery": N_("Out for delivery"),
    "delivered": N_("Delivered"),
    "exception": N_("Delivery problem"),
    "cancelled": N_("Cancelled"),
    "refunded": N_("Refunded"),
}
TRACK_LINK = N_("Track your package")
# How many events a card lists: the latest ones, oldest first.
TIMELINE = 6


def status_label(locale: str, status: str) -> str:
    """An order status as the shopper reads it."""
    return gettext(locale, STATUS.get(status, status))


def when(locale: str, moment: datetime, zone: ZoneInfo) -> str:
    """A moment on the shopper's clock: "Dec 3, 2:05 PM", "3 dic, 14:05"."""
    local = moment.astimezone(zone)
    babel = babel_locale(locale)
    day = format_skeleton("MMMd", local, locale=babel)
    return f"{day}, {format_time(local, 'short', locale=babel, tzinfo=zone)}"


def day(locale: str, order: Order) -> str:
    """The order's expected delivery day: "Sat, Dec 12"; "" when unknown."""
    if order.expected_delivery is None:
        return ""
    return str(format_skeleton("MMMEd", order.expected_delivery, locale=babel_locale(locale)))


def tracking_line(locale: str, order: Order) -> str:
    """Who carries the order and under which number, as far as we know."""
    carrier, number = order.carrier, order.tracking_number
    if carrier and number:
        return gettext(locale, N_("Carrier: {carrier}, tracking number {tracking}"),
                       carrier=carrier, tracking=number)
    if carrier:
        return gettext(locale, N_("Carrier: {carrier}"), carrier=carrier)
    if number:
        return gettext(locale, N_("Tracking number: {tracking}"), tracking=number)
    return ""


def total(locale: str, order: Order) -> str:
    """The order's total the way the shopper's country writes money: "R$ 899,90"."""
    amount = from_minor(order.total_minor, order.currency)
    regional = locale
    if order.country and "_" not in locale:
        # "es" alone writes pesos the Spanish way; a Mexican shopper expects "$1,299.00".
        try:
            regional = str(Locale.parse(f"{locale}_{order.country}"))
        except (ValueError, UnknownLocaleError):
            regional = locale
    return format_money(amount, order.currency, regional)


def details(locale: str, order: Order, events: Sequence[OrderEvent], zone: ZoneInfo) -> str:
    """The body of an order card: total, carrier, expected delivery, timeline, tracking link."""
    head = [gettext(locale, N_("Total: {total}"), total=total(locale, order))
            if order.total_minor else "", tracking_line(locale, order)]
    if order.expected_delivery and order.status not in ("delivered", "cancelled", "refunded"):
        head.append(gettext(locale, N_("Expected delivery: {date}"), date=day(locale, order)))
    ordered = sorted(events, key=lambda e: (e.occurred_at, e.id))
    lines = []
    for event in ordered[-TIMELINE:]:
        line = f"• {when(locale, event.occurred_at, zone)} — {status_label(locale, event.kind)}"
        if event.note and event.kind in ("customs_hold", "exception", "cancelled"):
            line += f": {event.note}"
        lines.append(line)
    blocks = ["\n".join(x for x in head if x), "\n".join(lines)]
    if order.tracking_url:
        blocks.append(f"{gettext(locale, TRACK_LINK)}: {order.tracking_url}")
    return "\n\n".join(b for b in blocks if b)


# -- notifications ---------------------------------------------------------------------

_HEADLINES = {
    "paid": N_("Payment received for order {number}. Thank you! We'll tell you when it ships."),
    "in_transit": N_("Order {number} is on its way."),
    "customs_hold": N_("Order {number} is held at customs. That is common for parcels from "
                       "abroad: customs may ask you for an ID number or to pay import duties "
                       "before they release it."),
    "out_for_delivery": N_("Order {number} is out for delivery today. Please make sure "
                           "someone can receive it."),
    "delivered": N_("Order {number} has been delivered. Enjoy it! If anything is wrong, "
                    "reply PERSON."),
    "exception": N_("There is a problem with the delivery of order {number}."),
    "cancelled": N_("Order {number} has been cancelled."),
    "refunded": N_("We have refunded order {number}. The money may take a few days to show "
                   "in your account."),
}
_SHIPPED = (
    N_("Good news: order {number} has shipped with {carrier}, tracking number {tracking}."),
    N_("Good news: order {number} has shipped with {carrier}."),
    N_("Good news: order {number} has shipped."),
)
_WHAT_TO_DO = {
    ("customs_hold", True): N_("See what customs needs on the carrier's page, or reply PERSON "
                               "and we'll help you."),
    ("customs_hold", False): N_("Reply PERSON and we'll help you with it."),
    ("exception", True): N_("You can see the details on the carrier's page, or reply PERSON "
                            "and we'll sort it out with you."),
    ("exception", False): N_("Reply PERSON and we'll sort it out with you."),
    ("cancelled", True): N_("If you have questions, reply PERSON."),
    ("cancelled", False): N_("If you have questions, reply PERSON."),
}
# Events whose message ends with the tracking link.
_LINKED = frozenset({"shipped", "in_transit", "customs_hold", "out_for_delivery", "exception"})


def notice(locale: str, order: Order, event: OrderEvent) -> tuple[str, tuple[str, str] | None]:
    """The message for an order event, and its tracking link (label, url) if it has one."""
    number = order.number
    if event.kind == "shipped":
        carrier, tracking = order.carrier, order.tracking_number
        msgid = _SHIPPED[0] if carrier and tracking else _SHIPPED[1] if carrier else _SHIPPED[2]
        text = gettext(locale, msgid, number=number, carrier=carrier, tracking=tracking)
    else:
        text = gettext(locale, _HEADLINES[event.kind], number=number)
    parts = [text]
    if event.note and event.kind in ("customs_hold", "exception", "cancelled"):
        parts.append(gettext(locale, N_("Note from the shop: {note}"), note=event.note))
    url = order.tracking_url if event.kind in _LINKED else None
    todo = _WHAT_TO_DO.get((event.kind, bool(url)))
    if todo:
        parts.append(gettext(locale, todo))
    if order.expected_delivery and event.kind in ("shipped", "in_transit", "customs_hold"):
        parts.append(gettext(locale, N_("Expected delivery: {date}"), date=day(locale, order)))
    link = (gettext(locale, TRACK_LINK), url) if url else None
    return "\n\n".join(parts), link
