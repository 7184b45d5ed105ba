"""The fake Stripe behaves like Stripe where souk depends on it, seen through stripe-python."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from tests.fakes.stripe import FakeStripe, signed_event, stripe_signature


def client(fake: FakeStripe, key: str | None = None) -> stripe.StripeClient:
    return stripe.StripeClient(key or fake.secret_key, base_addresses={"api": fake.base_url},
                               max_network_retries=0)


def create(fake: FakeStripe, p: dict[str, Any], key: str | None = None,
           secret: str | None = None) -> Any:
    """Create a Checkout Session through stripe-python, with an idempotency key if given."""
    options: Any = {"idempotency_key": key} if key else {}
    return client(fake, secret).v1.checkout.sessions.create(params=p, options=options)


def params(**changes: Any) -> dict[str, Any]:
    base = {
        "mode": "payment",
        "line_items": [{"price_data": {"currency": "brl", "unit_amount": 4990,
                                       "product_data": {"name": "Camiseta"}}, "quantity": 2}],
        "payment_method_types": ["card", "pix"],
        "client_reference_id": "1042",
        "metadata": {"order_number": "1042"},
        "expires_at": int(time.time()) + 3600,
        "success_url": "https://bot.example.com/pay/done",
    }
    return base | changes


def test_the_same_key_and_parameters_replay_the_first_session(fake_stripe: FakeStripe) -> None:
    p = params()
    first = create(fake_stripe, p, "checkout:1:1")
    again = create(fake_stripe, p, "checkout:1:1")
    assert again.id == first.id and len(fake_stripe.sessions) == 1
    assert (first.amount_total, first.currency, first.status) == (9980, "brl", "open")
    assert first.url and first.url.startswith("https://checkout.stripe.com/")
    assert [r.headers["idempotency-key"] for r in fake_stripe.requests] == ["checkout:1:1"] * 2


def test_the_same_key_with_other_parameters_is_refused(fake_stripe: FakeStripe) -> None:
    create(fake_stripe, params(), "k")
    with pytest.raises(stripe.IdempotencyError):
        create(fake_stripe, params(client_reference_id="1043"), "k")


@pytest.mark.parametrize(("changes", "param"), [
    ({"payment_method_types": ["card", "oxxo"]}, "payment_method_types"),
    ({"expires_at": int(time.time()) + 600}, "expires_at"),
    ({"expires_at": int(time.time()) + 25 * 3600}, "expires_at"),
    ({"metadata": {f"k{n}": "v" for n in range(51)}}, "metadata"),
    ({"success_url": ""}, "success_url"),
])
def test_sessions_stripe_would_refuse_are_refused(fake_stripe: FakeStripe,
                                                  changes: dict[str, Any], param: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        create(fake_stripe, params(**changes))
    assert refused.value.param == param
    assert fake_stripe.sessions == []


def test_a_wrong_secret_key_is_refused(fake_stripe: FakeStripe) -> None:
    with pytest.raises(stripe.AuthenticationError):
        create(fake_stripe, params(), secret="sk_test_wrong")


def test_a_scripted_failure_creates_nothing(fake_stripe: FakeStripe) -> None:
    fake_stripe.fail_next(500)
    with pytest.raises(stripe.APIError):
        create(fake_stripe, params())
    assert fake_stripe.sessions == []
    assert create(fake_stripe, params()).id


def test_a_session_can_be_read_back_after_an_event_moves_it(fake_stripe: FakeStripe) -> None:
    session = create(fake_stripe, params())
    event = fake_stripe.event("checkout.session.completed", session.id, payment_status="unpaid")
    assert event["data"]["object"]["status"] == "complete"
    read = client(fake_stripe).v1.checkout.sessions.retrieve(session.id)
    assert (read.status, read.payment_status, read.url) == ("complete", "unpaid", None)


def test_the_signature_is_stripes_own_fixed_vector() -> None:
    payload = ('{"id":"evt_test_1","object":"event","type":"checkout.session.completed","data":'
               '{"object":{"id":"cs_test_1","object":"checkout.session","client_reference_id":'
               '"order_1234","payment_status":"paid","status":"complete"}}}')
    assert stripe_signature(payload, "whsec_test_secret", 1700000000) == (
        "t=1700000000,v1=2b9f4740d308778e1a9d72933f1bb144da2b94a8b10d09464492fbfaef54b4ea")


def test_signed_events_pass_stripes_check_and_old_ones_do_not(fake_stripe: FakeStripe) -> None:
    session = create(fake_stripe, params())
    event = fake_stripe.event("checkout.session.completed", session.id)
    headers, body = signed_event(event, fake_stripe.webhook_secret)
    verified = stripe.Webhook.construct_event(body, headers["Stripe-Signature"],
                                              fake_stripe.webhook_secret)
    assert verified.data.object.payment_status == "paid"
    headers, body = signed_event(event, fake_stripe.webhook_secret, int(time.time()) - 301)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"],
                                       fake_stripe.webhook_secret)
