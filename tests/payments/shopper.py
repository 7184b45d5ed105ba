"""A shopper who has filled a cart and placed an order, through souk's own handlers.

The conversation that leads there is covered by the golden transcripts; tests of
what happens after the order start here, quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from bot import effects, inbox
from bot.models import Conversation, Order, Payment, utcnow
from bot.runtime import Runtime
from bot.shopping.places import Address, example_address, parse_address
from channels.base import Address as ChannelAddress
from flows.cart import AddToCart
from flows.checkout import PlaceOrder
from tests.fakes.stripe import FakeStripe, signed_event
from tests.fakes.twilio import FakeTwilio
from tests.shopfront import load_products
from tests.support import run_jobs

WHATSAPP = "whatsapp:+5511987654321"


def place_order(rt: Runtime, *, address: str = WHATSAPP,
                lines: Sequence[tuple[str, int]] = (("LAMP-300", 2),), country: str = "BR",
                email: str | None = "ana@example.com", updates: bool | None = True,
                locale: str = "pt_BR", make_link: bool = True) -> int:
    """Fill the cart and place the order; the payment's id.

    With `make_link` the link job runs (the link is sent); without it the payment
    waits in `creating`, as if the worker had not picked the job up yet.
    """
    ids = load_products(rt.db)
    shipping = parse_address(example_address(country), country)
    assert isinstance(shipping, Address)
    with rt.db.session() as s:
        conv = inbox.conversation_for(s, ChannelAddress.parse(address), "Ana")
        conv.last_inbound_at = utcnow()  # the shopper is chatting: the window is open
        ctx = effects.EffectContext(rt, utcnow(), locale, proof="SM" + "1" * 32)
        for sku, quantity in lines:
            assert not effects.perform(s, conv, AddToCart(ids[sku], None, quantity), ctx)
        replies = effects.perform(s, conv, PlaceOrder("Ana Souza", country, shipping.to_json(),
                                                      email, updates), ctx)
        assert not replies, replies
    if make_link:
        for job in ctx.after_commit:
            job()
        run_jobs(rt)
    with rt.db.session() as s:
        payment_id = s.scalar(select(Payment.id).order_by(Payment.id.desc()).limit(1))
    assert payment_id is not None
    return payment_id


def order_of(rt: Runtime, payment_id: int) -> Order:
    """The payment's order, detached, with its items, events and payments loaded."""
    with rt.db.session() as s:
        payment = s.get(Payment, payment_id)
        assert payment is not None
        order = payment.order
        _ = (order.items, order.events, order.payments)
        s.expunge_all()
    return order


def conversation(rt: Runtime, address: str = WHATSAPP) -> Conversation:
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == address))
        assert conv is not None
        s.expunge(conv)
    return conv


def post_event(client: Any, fake: FakeStripe, kind: str, session_id: str,
               secret: str | None = None, timestamp: int | None = None,
               **changes: Any) -> Any:
    event = fake.event(kind, session_id, **changes)
    headers, body = signed_event(event, secret or fake.webhook_secret, timestamp)
    return client.post("/webhooks/stripe", data=body, headers=headers)


def sent_to(twilio: FakeTwilio, address: str = WHATSAPP) -> list[str]:
    return [m.body or "" for m in twilio.messages if m.to == address]


def session_of(rt: Runtime, payment_id: int) -> str:
    with rt.db.session() as s:
        payment = s.get(Payment, payment_id)
        assert payment is not None and payment.session_id
        return payment.session_id
