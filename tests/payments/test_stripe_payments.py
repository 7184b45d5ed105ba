"""Orders paid through Stripe, on SQLite and PostgreSQL: where the database decides.

One session per attempt however often the job runs, one confirmation however often
an event comes, the second failure bringing a person, signatures refused. The fake
Stripe and Twilio servers are real HTTP servers used through the real SDKs; events
are signed as Stripe signs them.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import ConsentEvent, OrderEvent, Payment, Product, ProviderEvent
from bot.payments.stripe_api import create_session, session_params
from bot.runtime import Runtime
from tests.conftest import stripe_env
from tests.fakes.stripe import FakeStripe, signed_event
from tests.fakes.twilio import FakeTwilio
from tests.payments.shopper import (
    WHATSAPP,
    conversation,
    order_of,
    place_order,
    post_event,
    sent_to,
    session_of,
)
from tests.support import post_twilio, run_jobs, twilio_form
from workers.payments import enqueue_link


@pytest.fixture
def env(env: dict[str, str], fake_stripe: FakeStripe) -> dict[str, str]:
    return {**env, **stripe_env(fake_stripe)}


def test_an_order_gets_one_stripe_session_for_its_country_and_total(
        rt: Runtime, fake_stripe: FakeStripe, fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt, lines=(("LAMP-300", 2),))
    order = order_of(rt, payment_id)
    [session] = fake_stripe.sessions
    # 2 × 25.00 USD at 5.10 BRL, and Brazil's 19.00 USD shipping: in centavos.
    assert (order.currency, order.base_currency, order.fx_rate) == ("BRL", "USD", Decimal("5.1"))
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor) == (25500, 9690, 35190)
    assert (session["amount_total"], session["currency"]) == (35190, "brl")
    assert session["payment_method_types"] == ["card", "pix", "boleto"]
    assert session["client_reference_id"] == order.number == "1001"
    assert session["metadata"]["order_number"] == "1001"
    assert session["customer_email"] == "ana@example.com"
    assert fake_stripe.requests[0].headers["idempotency-key"] == f"checkout:{order.id}:1"
    [link] = sent_to(fake_twilio)
    assert "1001" in link and session["url"] in link
    with rt.db.session() as s:
        consent = s.scalar(select(ConsentEvent).where(ConsentEvent.topic == "order_updates"))
        assert consent is not None and consent.granted and consent.source == "checkout"
        assert consent.proof == "SM" + "1" * 32

def test_a_rerun_after_stripe_answered_gets_the_same_session(
        rt: Runtime, fake_stripe: FakeStripe, fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt, make_link=False)
    with rt.db.session() as s:  # a first run reached Stripe, then its worker died
        payment = s.get(Payment, payment_id)
        assert payment is not None
        first = create_session(rt.settings, session_params(payment.order, payment,
                                                           rt.settings.public_base_url),
                               payment.idempotency_key)
    enqueue_link(rt, payment_id)
    enqueue_link(rt, payment_id)  # and the job was queued twice
    run_jobs(rt)
    assert [s["id"] for s in fake_stripe.sessions] == [first.session_id]
    assert session_of(rt, payment_id) == first.session_id
    assert len(sent_to(fake_twilio)) == 1

def test_a_paid_event_confirms_the_order_once_however_often_it_comes(
        rt: Runtime, client: Any, fake_stripe: FakeStripe, fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt, lines=(("LAMP-300", 2),))
    event = fake_stripe.event("checkout.session.completed", session_of(rt, payment_id))
    headers, body = signed_event(event, fake_stripe.webhook_secret)
    for _ in range(3):
        assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200
    run_jobs(rt)
    order = order_of(rt, payment_id)
    assert order.status == "paid" and order.paid_at is not None
    assert [(e.kind, e.source) for e in order.events] == [("paid", "payment")]
    confirmations = [b for b in sent_to(fake_twilio) if "está confirmado" in b]
    assert len(confirmations) == 1
    assert "Pedido 1001" in confirmations[0] or "pedido 1001" in confirmations[0]
    assert "R$ 351,90" in confirmations[0].replace("\xa0", " ")
    with rt.db.session() as s:
        lamp = s.scalar(select(Product).where(Product.sku == "LAMP-300"))
        assert lamp is not None and lamp.stock == 10  # 12, less the 2 sold
        assert s.scalar(select(func.count()).select_from(ProviderEvent)) == 1

def test_two_failed_payments_bring_a_person(rt: Runtime, client: Any, fake_stripe: FakeStripe,
                                            fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt)
    post_event(client, fake_stripe, "checkout.session.async_payment_failed",
               session_of(rt, payment_id))
    run_jobs(rt)
    failure = sent_to(fake_twilio)[-1]
    assert "não passou: o boleto, voucher ou código Pix venceu" in failure
    assert "1. Tentar de novo" in failure
    # The shopper answers "1": the option of that message, not of an older one.
    post_twilio(client, fake_twilio.auth_token, twilio_form(WHATSAPP, "1"))
    run_jobs(rt)
    order = order_of(rt, payment_id)
    assert [p.attempt for p in order.payments] == [1, 2]
    assert fake_stripe.requests[-1].headers["idempotency-key"] == f"checkout:{order.id}:2"
    second = order.payments[1].id
    post_event(client, fake_stripe, "checkout.session.async_payment_failed",
               session_of(rt, second))
    run_jobs(rt)
    assert "Pedi para uma pessoa ajudar" in sent_to(fake_twilio)[-1]
    assert conversation(rt).status == "waiting"
    assert order_of(rt, payment_id).status == "pending"

def test_an_event_for_a_session_whose_id_was_never_saved_still_lands(
        rt: Runtime, client: Any, fake_stripe: FakeStripe) -> None:
    payment_id = place_order(rt, make_link=False)
    with rt.db.session() as s:  # the job's worker died after Stripe made the session
        payment = s.get(Payment, payment_id)
        assert payment is not None
        created = create_session(rt.settings, session_params(
            payment.order, payment, rt.settings.public_base_url), payment.idempotency_key)
    post_event(client, fake_stripe, "checkout.session.completed", created.session_id)
    assert order_of(rt, payment_id).status == "paid"
    assert session_of(rt, payment_id) == created.session_id

def test_bad_signatures_are_refused_and_change_nothing(rt: Runtime, client: Any,
                                                        fake_stripe: FakeStripe) -> None:
    payment_id = place_order(rt)
    session = session_of(rt, payment_id)
    wrong = post_event(client, fake_stripe, "checkout.session.completed", session,
                       secret="whsec_someone_else")
    old = post_event(client, fake_stripe, "checkout.session.completed", session,
                     timestamp=int(time.time()) - 301)
    event = fake_stripe.event("checkout.session.completed", session)
    _, body = signed_event(event, fake_stripe.webhook_secret)
    unsigned = client.post("/webhooks/stripe", data=body,
                           headers={"Content-Type": "application/json"})
    assert [r.status_code for r in (wrong, old, unsigned)] == [403, 403, 403]
    assert order_of(rt, payment_id).status == "pending"
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ProviderEvent)) == 0
        assert s.scalar(select(func.count()).select_from(OrderEvent)) == 0
