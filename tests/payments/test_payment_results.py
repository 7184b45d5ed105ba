"""Orders paid through Stripe: retries, pending and late results, expiry, reminders and
refused webhooks, as the shopper sees them (on SQLite; test_stripe_payments.py runs
what depends on the database on PostgreSQL too).
"""

from __future__ import annotations

from typing import Any

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from bot.config import Settings
from bot.models import Message
from bot.runtime import DEFAULT, Runtime
from tests.conftest import stripe_env
from tests.fakes.stripe import FakeStripe, signed_event, stripe_signature
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
from tests.support import post_twilio, run_due, run_jobs, twilio_form
from workers.payments import LINK_RETRY_DELAYS, create_payment_link


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def env(env: dict[str, str], fake_stripe: FakeStripe) -> dict[str, str]:
    return {**env, **stripe_env(fake_stripe)}


def test_stripe_being_down_is_retried_with_the_same_key(
        rt: Runtime, fake_stripe: FakeStripe, fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt, make_link=False)
    fake_stripe.fail_next(503, times=2)
    create_payment_link(payment_id, 0)
    [retry] = ScheduledJobRegistry(queue=rt.queue(DEFAULT)).get_job_ids()
    assert rt.queue(DEFAULT).fetch_job(retry).args == (payment_id, 1)  # type: ignore[union-attr]
    create_payment_link(payment_id, 1)
    create_payment_link(payment_id, 2)
    run_due(rt, minutes=1)  # the retries scheduled on the way find the link made: no-ops
    assert {r.headers["idempotency-key"] for r in fake_stripe.requests} == {
        f"checkout:{order_of(rt, payment_id).id}:1"}
    assert len(fake_stripe.sessions) == 1 and len(sent_to(fake_twilio)) == 1


@pytest.mark.parametrize("failure", ["refused", "down for good"])
def test_no_link_at_all_tells_the_shopper_and_calls_a_person(
        rt: Runtime, fake_stripe: FakeStripe, fake_twilio: FakeTwilio, failure: str) -> None:
    payment_id = place_order(rt, make_link=False)
    if failure == "refused":
        fake_stripe.fail_next(400, error_type="invalid_request_error", message="No such thing")
        create_payment_link(payment_id, 0)
    else:
        fake_stripe.fail_next(500)
        create_payment_link(payment_id, len(LINK_RETRY_DELAYS))
    run_jobs(rt)
    [message] = sent_to(fake_twilio)
    assert message.startswith("Desculpe, não consegui criar o link de pagamento do pedido 1001")
    assert conversation(rt).status == "waiting"
    assert order_of(rt, payment_id).payments[0].status == "failed"


def test_pix_pending_then_cleared(rt: Runtime, client: Any, fake_stripe: FakeStripe,
                                  fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt)
    session = session_of(rt, payment_id)
    post_event(client, fake_stripe, "checkout.session.completed", session,
               payment_status="unpaid")
    run_jobs(rt)
    assert order_of(rt, payment_id).status == "awaiting_payment"
    assert "aguardando o pagamento" in sent_to(fake_twilio)[-1]
    post_event(client, fake_stripe, "checkout.session.async_payment_succeeded", session)
    run_jobs(rt)
    assert order_of(rt, payment_id).status == "paid"
    assert "está confirmado" in sent_to(fake_twilio)[-1]


def test_a_late_pending_event_does_not_undo_a_payment(rt: Runtime, client: Any,
                                                       fake_stripe: FakeStripe,
                                                       fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt)
    session = session_of(rt, payment_id)
    post_event(client, fake_stripe, "checkout.session.async_payment_succeeded", session)
    post_event(client, fake_stripe, "checkout.session.completed", session,
               payment_status="unpaid")
    post_event(client, fake_stripe, "checkout.session.expired", session)
    run_jobs(rt)
    assert order_of(rt, payment_id).status == "paid"
    assert len(sent_to(fake_twilio)) == 2  # the link and the confirmation


def test_an_expired_link_is_offered_again_only_to_who_agreed(
        rt: Runtime, client: Any, fake_stripe: FakeStripe, fake_twilio: FakeTwilio) -> None:
    agreed = place_order(rt, updates=True)
    other = "whatsapp:+5511912345678"
    declined = place_order(rt, address=other, updates=False)
    for payment_id in (agreed, declined):
        post_event(client, fake_stripe, "checkout.session.expired", session_of(rt, payment_id))
    run_jobs(rt)
    assert "expirou" in sent_to(fake_twilio)[-1]
    assert not [b for b in sent_to(fake_twilio, other) if "expirou" in b]
    with rt.db.session() as s:
        dropped = s.scalar(select(Message).where(Message.status == "dropped"))
        assert dropped is not None and dropped.error_message == "no consent to order_updates"


def test_an_amount_that_does_not_match_pays_nothing(rt: Runtime, client: Any,
                                                    fake_stripe: FakeStripe) -> None:
    payment_id = place_order(rt)
    response = post_event(client, fake_stripe, "checkout.session.completed",
                          session_of(rt, payment_id), amount_total=100)
    assert response.status_code == 200
    assert order_of(rt, payment_id).status == "pending"


def test_events_souk_does_not_use_or_did_not_cause_are_acknowledged(
        rt: Runtime, client: Any, fake_stripe: FakeStripe) -> None:
    event = {"id": "evt_other", "object": "event", "type": "charge.refunded",
             "data": {"object": {"id": "ch_1"}}}
    headers, body = signed_event(event, fake_stripe.webhook_secret)
    assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200
    for stranger in ({"id": "cs_test_not_ours", "payment_status": "paid"},
                     {"id": 7, "metadata": ["odd"], "payment_intent": 3},
                     {"metadata": {"payment_id": "1"}, "client_reference_id": "nope"}):
        event = {"id": f"evt_{id(stranger)}", "object": "event",
                 "type": "checkout.session.completed", "data": {"object": stranger}}
        headers, body = signed_event(event, fake_stripe.webhook_secret)
        assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"id": "evt_1", "type": 3}'])
def test_a_signed_body_that_is_not_an_event_is_a_400(client: Any, fake_stripe: FakeStripe,
                                                      body: bytes) -> None:
    header = stripe_signature(body.decode(), fake_stripe.webhook_secret)
    response = client.post("/webhooks/stripe", data=body,
                           headers={"Stripe-Signature": header,
                                    "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_payload"


def test_without_a_webhook_secret_stripe_events_get_503(env: dict[str, str]) -> None:
    from bot.app import create_app

    settings = Settings.from_env({**env, "STRIPE_WEBHOOK_SECRET": ""})
    runtime = Runtime.from_settings(settings)
    try:
        response = create_app(rt=runtime).test_client().post("/webhooks/stripe", data=b"{}")
        assert response.status_code == 503
    finally:
        runtime.close()


def test_an_unpaid_link_gets_one_reminder_an_hour_later(rt: Runtime,
                                                        fake_twilio: FakeTwilio) -> None:
    place_order(rt)
    assert len(sent_to(fake_twilio)) == 1
    assert run_due(rt, minutes=59) == 0  # not yet
    assert run_due(rt, minutes=61) == 1
    link, reminder = sent_to(fake_twilio)
    assert reminder.startswith("Um lembrete: seu pedido 1001")
    assert link.splitlines()[-1].split(": ", 1)[1] in reminder  # the same link
    assert run_due(rt, minutes=24 * 60) == 0
    assert len(sent_to(fake_twilio)) == 2


@pytest.mark.parametrize("why", ["declined updates", "paid", "said STOP"])
def test_no_reminder_when_it_may_not_or_need_not_be_sent(
        rt: Runtime, client: Any, fake_stripe: FakeStripe, fake_twilio: FakeTwilio,
        why: str) -> None:
    payment_id = place_order(rt, updates=why != "declined updates")
    if why == "paid":
        post_event(client, fake_stripe, "checkout.session.completed", session_of(rt, payment_id))
    elif why == "said STOP":
        post_twilio(client, fake_twilio.auth_token, twilio_form(WHATSAPP, "PARAR"))
    run_jobs(rt)
    before = len(sent_to(fake_twilio))
    run_due(rt, minutes=61)
    assert len(sent_to(fake_twilio)) == before
    assert not [b for b in sent_to(fake_twilio) if "lembrete" in b]


@pytest.mark.parametrize(("intent", "said"), [
    (None, "o boleto, voucher ou código Pix venceu"),
    ({"last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds"}},
     "o cartão não tem saldo suficiente"),
    ({"last_payment_error": {"code": "something_new"}}, "o pagamento não foi concluído"),
    ({"last_payment_error": "odd"}, "o boleto, voucher ou código Pix venceu"),
])
def test_a_failure_says_the_reason_stripe_gives(rt: Runtime, client: Any,
                                                fake_stripe: FakeStripe,
                                                fake_twilio: FakeTwilio, intent: Any,
                                                said: str) -> None:
    payment_id = place_order(rt)
    response = post_event(client, fake_stripe, "checkout.session.async_payment_failed",
                          session_of(rt, payment_id), payment_intent=intent)
    assert response.status_code == 200
    run_jobs(rt)
    assert said in sent_to(fake_twilio)[-1]
