"""The shopper's orders, as the flows see them (flows/orders.py, flows/feedback.py).

Only orders of the conversation's customer are ever looked at: a number or tracking
number is matched among them and nowhere else, so another shopper's order is as
unknown here as one that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import consent, facts
from bot.i18n import N_, gettext
from bot.models import Feedback, Order, OrderEvent
from bot.orders import texts
from bot.orders.status import OPEN
from bot.quiet import shopper_zones
from channels.base import Address
from flows.orders import OrderFacts, OrderView
from flows.types import Intent

RECENT = 20  # orders looked at for "where is my order?", newest first
# An order or tracking number: letters, digits and dashes with at least three digits
# ("1042", "SO-1042", "BR123456789US"), maybe after a "#".
_TOKEN = re.compile(r"#?([A-Za-z0-9][A-Za-z0-9-]{1,39})")
_SHORT = 3  # words: "1042", "#1042", "pedido 1042" are about an order; a sentence is not


def find_ref(text: str) -> str | None:
    """The first thing in `text` that looks like an order or tracking number."""
    for match in _TOKEN.finditer(text):
        token = match.group(1).strip("-")
        if sum(ch.isdigit() for ch in token) >= 3:
            return token
    return None


@facts.provider
def order_facts(req: facts.FactRequest) -> Mapping[str, Any]:
    """OrderFacts when the shopper asks about orders, names one, or taps an order's button."""
    event = req.event
    payload = event.payload or ""
    numbers = [payload.partition(":")[2]] if payload.startswith(("order:", "feedback:")) else []
    ref = None
    if event.intent is Intent.TRACK or (
        event.intent is Intent.UNKNOWN and len(event.text.split()) <= _SHORT
    ):
        ref = find_ref(event.text)
    if event.intent is not Intent.TRACK and ref is None and not numbers:
        return {}
    s, customer_id = req.session, req.conversation.customer_id
    mine = select(Order).where(Order.customer_id == customer_id)
    orders = list(s.scalars(mine.order_by(Order.created_at.desc(), Order.id.desc())
                            .limit(RECENT)))
    extra = [n for n in numbers if all(o.number != n for o in orders)]
    if extra:
        orders += list(s.scalars(mine.where(Order.number.in_(extra))))
    match = None
    if ref is not None:
        wanted = ref.upper()
        match = s.scalar(mine.where(or_(func.upper(Order.number) == wanted,
                                        func.upper(Order.tracking_number) == wanted))
                         .order_by(Order.id.desc()).limit(1))
        if match is not None and all(o.id != match.id for o in orders):
            orders.append(match)
    views = _views(s, req, orders)
    may_offer = not consent.stopped(s, customer_id) and consent.latest(
        s, customer_id, "order_updates") is None
    return {"orders": OrderFacts(
        orders=tuple(views[o.id] for o in orders),
        ref=ref,
        match=views[match.id] if match is not None else None,
        may_offer_updates=may_offer,
    )}


def _views(s: Session, req: facts.FactRequest, orders: Sequence[Order]) -> dict[int, OrderView]:
    """Each order written out in the shopper's language, on their clock."""
    ids = [o.id for o in orders]
    events: dict[int, list[OrderEvent]] = {i: [] for i in ids}
    rated: set[int] = set()
    if ids:
        for event in s.scalars(select(OrderEvent).where(OrderEvent.order_id.in_(ids))):
            events[event.order_id].append(event)
        rated = set(s.scalars(select(Feedback.order_id).where(Feedback.order_id.in_(ids))))
    conv, locale = req.conversation, req.locale
    zone = shopper_zones(req.rt.shop, conv.customer.timezone, Address.parse(conv.address).phone)[0]
    views = {}
    for order in orders:
        status = texts.status_label(locale, order.status)
        body = texts.details(locale, order, events[order.id], zone)
        views[order.id] = OrderView(
            number=order.number,
            status=order.status,
            label=gettext(locale, N_("Order {number}: {status}"), number=order.number,
                          status=status),
            status_label=status,
            details=body.strip(),
            open=order.status in OPEN,
            can_rate=order.status == "delivered" and order.id not in rated,
        )
    return views
