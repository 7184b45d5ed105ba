"""Checkout through the whole pipeline: what it asks, and what it no longer needs to ask."""

from __future__ import annotations

from typing import Any

from bot.runtime import Runtime
from tests.fakes.twilio import FakeTwilio
from tests.payments.shopper import WHATSAPP, place_order, sent_to
from tests.shopfront import load_products
from tests.support import post_twilio, run_jobs, twilio_form


def say(rt: Runtime, client: Any, twilio: FakeTwilio, text: str,
        payload: str | None = None) -> str:
    before = len(sent_to(twilio))
    extra = {"ButtonPayload": payload, "ButtonText": text} if payload else {}
    assert post_twilio(client, twilio.auth_token,
                       twilio_form(WHATSAPP, text, **extra)).status_code == 200
    run_jobs(rt)
    return "\n".join(sent_to(twilio)[before:])


def test_a_returning_shopper_goes_straight_to_the_review(rt: Runtime, client: Any,
                                                         fake_twilio: FakeTwilio) -> None:
    place_order(rt, lines=(("MUG", 1),), updates=True)  # the first order, with an email
    tent = load_products(rt.db)["TENT-2P"]
    say(rt, client, fake_twilio, "Adicionar", payload=f"add:{tent}")
    review = say(rt, client, fake_twilio, "finalizar compra").replace("\xa0", " ")
    assert review.startswith("Confira seu pedido, por favor:")
    assert "Entregar para: Ana Souza, Rua Augusta 1500, apto 12, São Paulo, 01304-001" in review
    assert "Total: R$ 1.014,90" in review  # free shipping from USD 150
    link = say(rt, client, fake_twilio, "pagar agora")
    assert "pedido 1002" in link


def test_a_bad_address_is_explained_and_a_good_one_accepted(rt: Runtime, client: Any,
                                                            fake_twilio: FakeTwilio) -> None:
    lamp = load_products(rt.db)["LAMP-300"]
    say(rt, client, fake_twilio, "Adicionar", payload=f"add:{lamp}")
    say(rt, client, fake_twilio, "finalizar compra")
    say(rt, client, fake_twilio, "Ana Souza")
    assert "Qual é o endereço de entrega?" in say(rt, client, fake_twilio, "sim")
    reply = say(rt, client, fake_twilio, "Rua Augusta 1500, São Paulo")
    assert reply.startswith("Não encontrei um CEP válido nesse endereço.")
    reply = say(rt, client, fake_twilio, "Rua Augusta 1500, São Paulo, 01304-001")
    assert reply.startswith("Qual é o seu e-mail?")
    assert say(rt, client, fake_twilio, "ana@").startswith("Isso não parece um e-mail.")


def test_a_country_the_shop_does_not_ship_to_is_refused(rt: Runtime, client: Any,
                                                        fake_twilio: FakeTwilio) -> None:
    lamp = load_products(rt.db)["LAMP-300"]
    say(rt, client, fake_twilio, "Adicionar", payload=f"add:{lamp}")
    say(rt, client, fake_twilio, "finalizar compra")
    say(rt, client, fake_twilio, "Ana Souza")
    reply = say(rt, client, fake_twilio, "não, Argentina")
    assert reply.startswith("Desculpe, ainda não entregamos aí (Argentina).")
    assert "México" in reply  # the countries the shop ships to are offered
