"""The built-in test checkout page /pay/<token>, driven as a browser would, form by form."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest

from bot.app import create_app
from bot.config import Settings
from bot.models import Payment, utcnow
from bot.payments.links import page_token
from bot.runtime import Runtime
from tests.fakes.twilio import FakeTwilio
from tests.payments.shopper import order_of, place_order, sent_to
from tests.support import run_jobs


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def page_of(rt: Runtime, payment_id: int) -> str:
    with rt.db.session() as s:
        payment = s.get(Payment, payment_id)
        assert payment is not None and payment.url
        return payment.url.removeprefix(rt.settings.public_base_url)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return unescape(found.group(1))


def submit(client: Any, path: str, **form: str) -> Any:
    html = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf": csrf(html), **form})


def test_the_page_says_test_mode_and_shows_the_order(rt: Runtime, client: Any) -> None:
    payment_id = place_order(rt)
    response = client.get(page_of(rt, payment_id))
    html = response.get_data(as_text=True).replace("\xa0", " ")
    assert response.status_code == 200
    assert '<p class="test-mode"' in html and "MODO DE TESTE" in html
    assert "Pedido 1001" in html and "R$ 351,90" in html
    assert re.findall(r'name="method" value="(\w+)"', html) == ["card", "pix", "boleto"]
    # A strict Content-Security-Policy comes later: nothing inline may need it relaxed.
    assert "<script" not in html and "<style" not in html and "style=" not in html
    assert not re.search(r"\son\w+=", html)


def test_paying_confirms_the_order_in_the_chat_once(rt: Runtime, client: Any,
                                                    fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt)
    path = page_of(rt, payment_id)
    html = client.get(path).get_data(as_text=True)
    first = client.post(path, data={"csrf": csrf(html), "outcome": "paid", "method": "pix"})
    again = client.post(path, data={"csrf": csrf(html), "outcome": "paid", "method": "pix"})
    assert (first.status_code, again.status_code) == (303, 303)
    assert 'id="result"' in client.get(path).get_data(as_text=True)
    run_jobs(rt)
    order = order_of(rt, payment_id)
    assert (order.status, order.payment_method) == ("paid", "pix")
    assert len([b for b in sent_to(fake_twilio) if "está confirmado" in b]) == 1


def test_a_failed_payment_tells_the_shopper_why_and_what_next(rt: Runtime, client: Any,
                                                              fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt)
    response = submit(client, page_of(rt, payment_id), outcome="failed", reason="expired_card")
    assert response.status_code == 303
    run_jobs(rt)
    message = sent_to(fake_twilio)[-1]
    assert "não passou: o cartão está vencido" in message
    assert "1. Tentar de novo" in message and "2. Falar com uma pessoa" in message


@pytest.mark.parametrize("token", ["", "forged", "other key"])
def test_a_form_without_its_own_csrf_token_changes_nothing(rt: Runtime, client: Any,
                                                           token: str) -> None:
    payment_id = place_order(rt)
    path = page_of(rt, payment_id)
    if token == "forged":
        token = csrf(client.get(path).get_data(as_text=True))[:-2] + "xx"
    elif token == "other key":
        from itsdangerous import URLSafeSerializer

        token = URLSafeSerializer("another-secret", salt="souk.test-checkout.form").dumps(
            payment_id)
    response = client.post(path, data={"csrf": token, "outcome": "paid", "method": "card"})
    assert response.status_code == 400
    assert order_of(rt, payment_id).status == "pending"


@pytest.mark.parametrize("form", [
    {"outcome": "refund"}, {"outcome": "paid", "method": "bitcoin"},
    {"outcome": "failed", "reason": "the moon"}, {},
])
def test_choices_the_page_does_not_offer_are_refused(rt: Runtime, client: Any,
                                                     form: dict[str, str]) -> None:
    payment_id = place_order(rt)
    assert submit(client, page_of(rt, payment_id), **form).status_code == 400
    assert order_of(rt, payment_id).status == "pending"


def test_forged_and_unknown_links_are_not_found(rt: Runtime, client: Any) -> None:
    payment_id = place_order(rt)
    real = page_of(rt, payment_id)
    for path in ("/pay/abc", real[:-3] + "abc", "/pay/" + page_token(rt.settings, 999)):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"outcome": "paid"}).status_code == 404, path


def test_an_expired_link_says_so(rt: Runtime, client: Any) -> None:
    payment_id = place_order(rt)
    with rt.db.session() as s:
        payment = s.get(Payment, payment_id)
        assert payment is not None
        payment.expires_at = utcnow() - timedelta(minutes=1)
    response = client.get(page_of(rt, payment_id))
    assert response.status_code == 410
    assert "Este link de pagamento expirou" in response.get_data(as_text=True)


def test_the_page_is_off_when_the_setting_says_so(rt: Runtime, env: dict[str, str]) -> None:
    payment_id = place_order(rt)
    path = page_of(rt, payment_id)
    runtime = Runtime.from_settings(
        Settings.from_env({**env, "SOUK_ENABLE_TEST_CHECKOUT": "false"}))
    try:
        client = create_app(rt=runtime).test_client()
        assert client.get(path).status_code == 404
        assert client.post(path, data={"outcome": "paid"}).status_code == 404
        assert client.get("/pay/done?result=paid").status_code == 200
    finally:
        runtime.close()


def test_the_page_stripe_sends_shoppers_back_to_speaks_their_language(client: Any) -> None:
    spanish = client.get("/pay/done?result=paid&lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish and "¡Gracias!" in spanish
    unknown = client.get("/pay/done?result=<script>&lang=xx").get_data(as_text=True)
    assert '<html lang="en">' in unknown and "Payment not completed" in unknown
