"""What the shopper reads about their payment: confirmation, pending, failure, expiry,
reminder. Each in the order's language, with the next step as buttons."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import i18n
from bot.models import Conversation, Order, Payment
from bot.payments.links import link_message
from bot.rules import WHATSAPP_WINDOW
from bot.shop import Shop
from bot.shopping.places import Address
from bot.shopping.pricing import describe_methods, format_minor
from channels.base import Option, Outgoing, Template

__all__ = ["awaiting", "confirmation", "expired", "failed", "reminder", "REASONS"]

N_ = i18n.N_

REASONS = {
    "card_declined": N_("your card was declined"),
    "insufficient_funds": N_("the card has insufficient funds"),
    "expired_card": N_("the card has expired"),
    "voucher_expired": N_("the voucher or Pix code expired before it was paid"),
    "processing_error": N_("the payment provider could not process it"),
    "unknown": N_("the payment was not completed"),
}
ASYNC_METHODS = ("pix", "boleto", "oxxo", "konbini")
# A confirmation is sent as a template a little before the window closes, not after.
WINDOW_MARGIN = timedelta(minutes=10)


def _lines(order: Order, locale: str) -> str:
    return "\n".join(
        f"• {item.quantity} × {item.title} — "
        f"{format_minor(item.unit_minor * item.quantity, order.currency, locale)}"
        for item in order.items
    )


def confirmation(shop: Shop, order: Order, conv: Conversation, now: datetime,
                 updates: bool) -> Outgoing:
    """Payment received: the order number, what was bought and paid, where it goes.

    `updates`: the shopper agreed to hear about the order, so they are told they will.
    """
    locale = order.locale or shop.default_locale
    total = format_minor(order.total_minor, order.currency, locale)
    zone = shop.shipping.get(order.country or "")
    text = i18n.gettext(
        locale,
        N_("Payment received, thank you! Order {number} is confirmed.\n{lines}\nShipping: "
           "{shipping}\nTotal paid: {total}\n\nIt ships to {name}, {address}, and arrives in "
           "{days} days."),
        number=order.number, lines=_lines(order, locale), total=total,
        shipping=format_minor(order.shipping_minor, order.currency, locale)
        if order.shipping_minor else i18n.gettext(locale, N_("free")),
        name=order.shipping_name, address=Address.one_line(order.shipping_address or {}),
        days=zone.days if zone else "?",
    )
    if updates:
        text += "\n" + i18n.gettext(locale, N_("I'll message you here when it ships."))
    template = None
    last = conv.last_inbound_at
    closing = last is None or now - last > WHATSAPP_WINDOW - WINDOW_MARGIN
    if conv.channel == "whatsapp" and closing:
        # Outside WhatsApp's 24-hour window only an approved template is delivered.
        sid = shop.template("order_confirmed", locale)
        template = Template(sid, {"1": order.number, "2": total}) if sid else None
    return Outgoing(text, template=template)


def awaiting(order: Order, payment: Payment) -> Outgoing:
    """A voucher or Pix was issued: how to finish paying, and that we will confirm."""
    locale = order.locale or "en"
    methods = [m for m in payment.methods or () if m in ASYNC_METHODS]
    return Outgoing(i18n.gettext(
        locale,
        N_("We've got order {number} and are waiting for your payment. If you chose {methods}, "
           "pay with the code or voucher shown on the payment page (it can take a while to "
           "clear). I'll confirm here as soon as it lands."),
        number=order.number, methods=describe_methods(methods or ["card"], locale)))


def failed(order: Order, reason: str, handed_over: bool) -> Outgoing:
    """The payment failed: why, and what next (try again, or a person is coming)."""
    locale = order.locale or "en"
    why = i18n.gettext(locale, REASONS.get(reason, REASONS["unknown"]))
    if handed_over:
        return Outgoing(i18n.gettext(
            locale,
            N_("The payment for order {number} didn't go through again: {reason}. I've asked a "
               "person to help you; they'll answer here in this chat."),
            number=order.number, reason=why))
    return Outgoing(
        i18n.gettext(
            locale,
            N_("The payment for order {number} didn't go through: {reason}. You can try again "
               "with the same or another payment method, or talk to a person."),
            number=order.number, reason=why),
        options=(Option(i18n.gettext(locale, N_("Try again")), f"repay:{order.number}"),
                 Option(i18n.gettext(locale, N_("Talk to a person")), "human")),
    )


def expired(order: Order) -> Outgoing:
    """The link expired unpaid: offer a new one."""
    locale = order.locale or "en"
    return Outgoing(
        i18n.gettext(locale, N_("The payment link for order {number} has expired. Would you "
                                "like a new one?"), number=order.number),
        options=(Option(i18n.gettext(locale, N_("New payment link")), f"repay:{order.number}"),
                 Option(i18n.gettext(locale, N_("Menu")), "menu")),
    )


def reminder(order: Order, payment: Payment) -> Outgoing:
    """The one reminder of an unpaid link: the same link, gently."""
    locale = order.locale or "en"
    link = link_message(order, payment)
    text = i18n.gettext(
        locale, N_("A reminder: order {number} is waiting for your payment. You can still pay "
                   "with this link:"), number=order.number)
    return Outgoing(text, link=link.link)
