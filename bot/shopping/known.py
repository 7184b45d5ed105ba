"""What checkout knows before asking: the shopper's country, their last order's details,
and the answer in this message, read for the step being asked."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import language
from bot.models import Conversation, Order
from bot.nlu import normalize
from bot.shopping.places import parse_address, parse_country, parse_email, parse_name
from channels.base import Address
from flows import checkout
from flows.types import Event, Intent

# Short answers that are words of the conversation, not a name ("yes", "thanks").
_NOT_NAMES = (Intent.YES, Intent.NO, Intent.THANKS, Intent.GREET)


def shopper_country(conv: Conversation) -> str | None:
    """The country the shopper told us, or the one of their phone number."""
    if conv.customer.country:
        return conv.customer.country
    phone = Address.parse(conv.address).phone
    return language.country_of(phone) if phone else None


def last_details(s: Session, customer_id: int) -> dict[str, Any]:
    """Name, country, address and email from the shopper's last order that has them."""
    order = s.scalar(
        select(Order)
        .where(Order.customer_id == customer_id, Order.shipping_address.is_not(None))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(1)
    )
    if order is None or not order.shipping_name or not order.shipping_address:
        return {}
    return {"name": order.shipping_name, "country": order.country,
            "address": dict(order.shipping_address), "email": order.email}


def answer(state: str, event: Event, country: str | None, conv: Conversation) -> dict[str, Any]:
    """The answer to the step `state` asks for, parsed and checked, or why it is not one."""
    text = event.text if not event.payload else ""
    if state == checkout.ASK_NAME:
        words = len(text.split())
        if event.intent is Intent.UNKNOWN or (event.intent in _NOT_NAMES and words >= 2):
            name = parse_name(text)
            if name:
                return {"ok": True, "values": {"name": name}}
        return {"ok": False}
    if state == checkout.ASK_COUNTRY:
        payload = event.payload or ""
        code = payload.removeprefix("country:") if payload.startswith("country:") else None
        code = code or (parse_country(text) if text else None)
        if code:
            return {"ok": True, "values": {"country": code, "country_ok": True,
                                           "no_ship": None, "declined": None}}
        return {"ok": False}
    if state == checkout.CONFIRM_COUNTRY and text:
        # "No, Portugal": the answer to "Shipping country: Brazil?" may name the country.
        rest = re.sub(r"^(?:no|nao|not|nope|yes|sim|si|ok)\b\W*", "", normalize(text))
        code = parse_country(rest) if rest else None
        if code:
            return {"ok": True, "values": {"country": code, "country_ok": True,
                                           "no_ship": None, "declined": None}}
        return {}
    if state == checkout.ASK_ADDRESS and text and country:
        parsed = parse_address(text, country)
        if isinstance(parsed, str):
            return {"ok": False, "missing": parsed}
        return {"ok": True, "values": {"address": parsed.to_json()}}
    if state == checkout.ASK_EMAIL and text:
        email = parse_email(text)
        if email:
            return {"ok": True, "values": {"email": email, "email_skipped": False}}
        return {"ok": False}
    return {}
