"""Shopping by chat end to end: signed webhooks in, the demo catalog, replies at the fakes.

Each shopper's currency comes from their phone number's country: Brazil sees reais,
Mexico pesos (written the Mexican way), a Telegram chat with no phone the shop's
dollars.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.catalog.store import upsert, validate
from bot.demo_data import load_catalog
from bot.models import Conversation, Product
from bot.runtime import Runtime
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio
from tests.support import post_telegram, post_twilio, run_jobs, telegram_update, twilio_form

NBSP = str.maketrans({"\xa0": " "})


@pytest.fixture
def demo(rt: Runtime) -> dict[str, int]:
    """The demo catalog in this test's database: product ids by SKU."""
    load_catalog(rt)
    with rt.db.session() as s:
        return {p.sku: p.id for p in s.scalars(select(Product))}


def chat(rt: Runtime, client: Any, twilio: FakeTwilio, sender: str, text: str) -> list[str]:
    """Send one message as a Twilio shopper; the bodies of the replies, spaces made plain."""
    before = len(twilio.messages)
    assert post_twilio(client, twilio.auth_token, twilio_form(sender, text)).status_code == 200
    run_jobs(rt)
    return [(m.body or "").translate(NBSP) for m in twilio.messages[before:]]


def telegram(rt: Runtime, client: Any, fake: FakeTelegram, chat_id: int, text: str | None = None,
             data: str | None = None) -> list[Any]:
    """Send a Telegram message or button press; the Bot API calls souk made in answer."""
    before = len(fake.sent)
    update = telegram_update(chat_id, text, data=data, language_code="en")
    assert post_telegram(client, update).status_code == 200
    run_jobs(rt)
    return [c for c in fake.sent[before:] if c.method != "answerCallbackQuery"]


def test_whatsapp_search_in_portuguese_shows_reais(rt: Runtime, client: Any,
                                                    fake_twilio: FakeTwilio,
                                                    demo: dict[str, int]) -> None:
    shopper = "whatsapp:+5511987654321"
    [listing] = chat(rt, client, fake_twilio, shopper, "tem fone bluetooth?")
    assert listing.startswith("Encontrei isto:")
    assert "1. Fone Bluetooth esportivo - R$ 300,90" in listing  # 59 USD at 5.10
    assert "2. Fone de ouvido sem fio Quiet Pro - R$ 759,90" in listing
    [card] = chat(rt, client, fake_twilio, shopper, "1")
    assert card.startswith("*Fone Bluetooth esportivo*\nR$ 300,90 - em estoque")
    assert "Cores: preto, branco." in card
    assert "1. Adicionar preto" in card and "Ver carrinho" in card
    [answer] = chat(rt, client, fake_twilio, shopper, "quais cores?")
    assert answer == ("Fone Bluetooth esportivo vem nestas cores: preto e branco. "
                      "Disponíveis agora: preto e branco.")


def test_sms_search_in_spanish_shows_mexican_pesos_and_the_variant_asked_for(
    rt: Runtime, client: Any, fake_twilio: FakeTwilio, demo: dict[str, int]
) -> None:
    shopper = "+5215512345678"
    [listing] = chat(rt, client, fake_twilio, shopper, "¿tienen zapatillas de trail rojas "
                                                       "talla 42?")
    assert listing.startswith("Esto es lo que encontré")
    assert "1. Zapatillas de trail Runner X - $2,064.00" in listing  # 120 USD at 17.20
    [card] = chat(rt, client, fake_twilio, shopper, "1")
    assert "*" not in card  # SMS shows no WhatsApp bold markers
    assert card.startswith("Zapatillas de trail Runner X\n$2,064.00 - disponible")
    assert "1. Añadir 42 / rojo" in card
    [shipping] = chat(rt, client, fake_twilio, shopper, "¿envían a México?")
    assert shipping.startswith("Sí, enviamos a México: el envío cuesta $206.40 y tarda 7-10 "
                               "días hábiles.")


def test_telegram_search_in_english_pages_with_buttons_and_shows_the_photo(
    rt: Runtime, client: Any, fake_telegram: FakeTelegram, demo: dict[str, int]
) -> None:
    with rt.db.session() as s:
        photo = upsert(s, validate({
            "sku": "JKT-PHOTO", "title": "Photo Rain Jacket", "price": "99.00",
            "images": ["https://cdn.example.com/jacket.jpg"], "attributes": {"waterproof": True},
        }), currency="USD", locale="en").product.id

    def labels(call: Any) -> list[tuple[str, str]]:
        rows = call.params["reply_markup"]["inline_keyboard"]
        return [(b["text"], b["callback_data"]) for row in rows for b in row]

    # A first message that names products is answered with them, not with a welcome.
    [first] = telegram(rt, client, fake_telegram, 4242, "waterproof")
    assert first.params["text"] == "Here's what I found (1-5 of 14):"
    assert ("Splash Waterproof Bluetooth Speaker - $69.00",
            f"product:{demo['SPEAKER-SPLASH']}") in labels(first)
    assert labels(first)[-1] == ("More results", "more")
    [second] = telegram(rt, client, fake_telegram, 4242, data="more")
    assert second.params["text"] == "Here's what I found (6-10 of 14):"
    [last] = telegram(rt, client, fake_telegram, 4242, "more")
    assert last.params["text"] == "Here's what I found (11-14 of 14):"
    assert ("Puddle Rain Boots - $49.00 (out of stock)",
            f"product:{demo['BOOT-RAIN']}") in labels(last)
    assert ("More results", "more") not in labels(last)
    [card] = telegram(rt, client, fake_telegram, 4242, data=f"product:{photo}")
    assert card.method == "sendPhoto"
    assert card.params["photo"] == "https://cdn.example.com/jacket.jpg"
    assert card.params["caption"].startswith("*Photo Rain Jacket*\n$99.00 - in stock")
    assert ("Add to cart", f"add:{photo}") in labels(card)


def test_questions_are_answered_and_an_unknown_answer_offers_a_person(
    rt: Runtime, client: Any, fake_twilio: FakeTwilio, demo: dict[str, int]
) -> None:
    shopper = "whatsapp:+14155550123"
    [listing] = chat(rt, client, fake_twilio, shopper,
                     "do you have a waterproof jacket under 100?")
    assert listing.startswith("Here's what I found up to $100.00:")
    assert "1. Storm Rain Jacket - $89.00" in listing
    chat(rt, client, fake_twilio, shopper, "1")
    assert chat(rt, client, fake_twilio, shopper, "is it waterproof?") == [
        "Yes, Storm Rain Jacket is waterproof."]
    assert chat(rt, client, fake_twilio, shopper, "does it pack into its own pocket?") == [
        "Storm Rain Jacket: Yes, it folds into its chest pocket."]
    [returns] = chat(rt, client, fake_twilio, shopper, "can I return it?")
    assert returns.startswith("Returns: You can return unused items within 30 days")
    [unknown] = chat(rt, client, fake_twilio, shopper, "is it warm?")
    assert unknown.startswith("I don't know that about Storm Rain Jacket, and I'd rather not "
                              "guess. Would you like a person to answer?")
    assert "1. Yes, a person" in unknown
    chat(rt, client, fake_twilio, shopper, "1")
    with rt.db.session() as s:
        conversation = s.scalar(select(Conversation))
        assert conversation is not None and conversation.status == "waiting"
