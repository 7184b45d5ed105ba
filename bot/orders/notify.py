"""Order updates to the shopper: one message per event worth telling, in their language.

The message goes to the conversation the order belongs to, as a notification on the
`order_updates` topic (bot/notices.py). On WhatsApp outside the 24-hour window it is
sent as the shop file's template for the event's kind and the shopper's locale,
filled with the fields `[templates.<kind>] variables` names (defaults below).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from bot import notices
from bot.inbox import conversation_for
from bot.models import Conversation, Order, OrderEvent, Outbox
from bot.notices import Notice
from bot.orders import texts
from bot.runtime import Runtime
from bot.shop import Shop
from channels.base import Address, Outgoing

# What a template's {{1}}, {{2}}... are for each kind, unless the shop file says.
TEMPLATE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "paid": ("number",),
    "shipped": ("number", "carrier", "tracking_url"),
    "in_transit": ("number", "tracking_url"),
    "customs_hold": ("number", "note", "tracking_url"),
    "out_for_delivery": ("number",),
    "delivered": ("number",),
    "exception": ("number", "note", "tracking_url"),
    "cancelled": ("number",),
    "refunded": ("number",),
    "updates_optin": ("number", "shop"),
    "feedback": ("number",),
}


def conversation_of(s: Session, order: Order) -> Conversation | None:
    """The conversation an order's messages go to: its own, or its shopper address's."""
    if order.conversation_id is not None:
        conv = s.get(Conversation, order.conversation_id)
        if conv is not None:
            return conv
    if order.address:
        conv = conversation_for(s, Address.parse(order.address))
        order.conversation_id = conv.id
        return conv
    return None


def locale_of(shop: Shop, conv: Conversation, order: Order | None = None) -> str:
    """The language to write to the shopper in."""
    return (conv.locale or conv.customer.locale or (order.locale if order else None)
            or shop.default_locale)


def fields(shop: Shop, locale: str, order: Order, event: OrderEvent | None = None
           ) -> dict[str, str]:
    """Everything a template may show about an order (and event), as text in `locale`."""
    return {
        "note": (event.note if event is not None else None) or "",
        "number": order.number,
        "carrier": order.carrier or "",
        "tracking_number": order.tracking_number or "",
        "tracking_url": order.tracking_url or "",
        "expected_delivery": texts.day(locale, order),
        "status": texts.status_label(locale, order.status),
        "shop": shop.name,
        "name": order.shipping_name or "",
    }


def template_variables(shop: Shop, kind: str, locale: str, order: Order,
                       event: OrderEvent | None = None) -> dict[str, str]:
    """The ContentVariables of `kind`'s template for this order."""
    names = notices.template_fields(shop, kind, TEMPLATE_FIELDS.get(kind, ("number",)))
    values = fields(shop, locale, order, event)
    return notices.numbered([values.get(name, "") for name in names])


def notify_event(s: Session, rt: Runtime, order: Order, event: OrderEvent) -> Outbox | None:
    """Write the shopper's message about `event`; None if the order has no shopper to tell."""
    conv = conversation_of(s, order)
    if conv is None:
        return None
    locale = locale_of(rt.shop, conv, order)
    text, link = texts.notice(locale, order, event)
    notice = Notice(
        kind=event.kind, locale=locale, template=event.kind,
        variables=template_variables(rt.shop, event.kind, locale, order, event),
        urgent=event.kind in notices.URGENT_KINDS,
    )
    row = notices.write(s, rt, conv, Outgoing(text=text, link=link), notice,
                        topic="order_updates", meta={"order": order.number})
    if event.kind == "delivered":
        from workers.queues import enqueue_question

        order_id = order.id
        notices.after_commit(s, lambda: enqueue_question(rt, order_id, "feedback"))
    return row
