"""A shopper's language end to end: signed webhooks in, replies at the fake providers.

Short messages keep the conversation's language, the first real sentence sets it,
the phone's country (or Telegram's language_code) is the fallback, a shopper can
switch at any time, and the choice outlives the conversation's hot state in Redis.
Runs on SQLite and PostgreSQL: the choice is a column (migration 0009).
"""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.models import Conversation, Customer
from bot.runtime import Runtime
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio
from tests.support import post_telegram, post_twilio, run_jobs, telegram_update, twilio_form

SWISS = "+41791234567"  # Switzerland: German first, then French


def whatsapp(
    rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, number: str, text: str
) -> str:
    """Send one WhatsApp message and return every reply it got, joined."""
    address = f"whatsapp:{number}"
    before = len([m for m in fake_twilio.messages if m.to == address])
    response = post_twilio(client, fake_twilio.auth_token, twilio_form(address, text))
    assert response.status_code == 200
    run_jobs(rt)
    replies = [m.body for m in fake_twilio.messages if m.to == address][before:]
    return "\n---\n".join(replies)


def test_the_phone_decides_until_a_sentence_does_and_short_lines_keep_it(
    rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio
) -> None:
    say = lambda text: whatsapp(rt, client, fake_twilio, SWISS, text)  # noqa: E731
    assert say("hi").startswith("Hallo Ana! Willkommen bei Souk Demo Shop.")
    assert say("👍").startswith("Entschuldigung, das habe ich nicht verstanden.")
    assert say("bonjour, est-ce que vous livrez en Belgique ?").startswith(
        "Désolé, je ne comprends toujours pas."
    )
    assert say("non merci").startswith("Comment puis-je vous aider ?")  # short: still French


def test_the_language_list_puts_the_countrys_languages_first(
    rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio
) -> None:
    whatsapp(rt, client, fake_twilio, SWISS, "hallo")
    listing = whatsapp(rt, client, fake_twilio, SWISS, "4")
    assert listing.splitlines()[2:] == [
        "1. Deutsch", "2. Français", "3. English", "4. Español", "5. 8 weitere Sprachen",
    ]
    rest = whatsapp(rt, client, fake_twilio, SWISS, "5")
    assert "1. Português (Brasil)" in rest and "العربية" in rest and "Deutsch" not in rest


def test_a_chosen_language_is_remembered_after_redis_forgets(
    rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio
) -> None:
    number = "+5511987654321"
    say = lambda text: whatsapp(rt, client, fake_twilio, number, text)  # noqa: E731
    assert say("oi, tudo bem?").startswith("Oi, Ana!")
    assert say("English please").startswith("Okay, I'll write in English from now on.")
    assert say("quero ver as jaquetas de inverno por favor").startswith("Sorry,")
    with rt.db.session() as s:
        conversation = s.scalar(select(Conversation).where(
            Conversation.address == f"whatsapp:{number}"))
        assert conversation is not None
        customer = s.get(Customer, conversation.customer_id)
        assert customer is not None
        assert (customer.locale, customer.locale_chosen_at is not None) == ("en", True)
        conversation_id = conversation.id
    rt.state.delete(conversation_id)  # the hot state expired
    assert say("quero ver as jaquetas de inverno por favor").startswith("Hi Ana!")
    assert say("em português").startswith("Certo, a partir de agora escrevo em português.")


def test_telegram_language_code_is_the_fallback_and_arabic_reads_right_to_left(
    rt: Runtime, client: FlaskClient, fake_telegram: FakeTelegram
) -> None:
    update = telegram_update(777001, "👋", language_code="ar")
    assert post_telegram(client, update).status_code == 200
    run_jobs(rt)
    [sent] = [c for c in fake_telegram.sent if c.method == "sendMessage"]
    text = str(sent.params["text"])
    assert text == (
        "مرحبًا \u2068Ana\u2069! أهلًا بك في \u2068Souk Demo Shop\u2069. كيف يمكنني مساعدتك اليوم؟"
    )
