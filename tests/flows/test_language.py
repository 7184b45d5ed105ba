"""The language list fits every channel and switching sticks: the engine, no server."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot import engine, i18n
from bot.shop import Shop
from bot.state import HotState
from channels import telegram_render
from channels.base import Outgoing
from channels.twilio_sms import TwilioSMS
from flows.language import FIRST_PAGE, LIKELY, NATIVE_NAMES
from flows.types import Event, Intent, SetLocale

SHOP = Shop(name="Souk Demo Shop")


def turn(
    text: str,
    hot: HotState | None = None,
    *,
    payload: str | None = None,
    likely: tuple[str, ...] = (),
    **conversation: Any,
) -> engine.Turn:
    """One message through the engine, with the facts bot/language_facts.py would give."""

    def facts(event: Event, locale: str, state: str) -> Mapping[str, Any]:
        return {LIKELY: likely} if event.intent is Intent.LANGUAGE else {}

    conv = engine.Conversation(**{"channel": "whatsapp", **conversation})
    return engine.handle(SHOP, hot or HotState(), conv, engine.Incoming(text, payload), facts)


def labels(reply: Outgoing) -> list[str]:
    return [option.label for option in reply.options]


def test_every_shipped_locale_has_a_native_name() -> None:
    assert set(i18n.SUPPORTED) <= set(NATIVE_NAMES)


def test_the_first_page_offers_the_likely_languages_then_more() -> None:
    result = turn("language", locale="en", likely=("de", "fr"))
    [reply] = result.replies
    assert labels(reply) == ["Deutsch", "Français", "English", "Español", "8 more languages"]
    assert [o.payload for o in reply.options][-1] == "lang:more"


def test_more_shows_the_rest_and_together_they_are_every_language_once() -> None:
    first = turn("language", locale="en", likely=("de", "fr"))
    second = turn("5", first.state, locale="en", likely=("de", "fr"))  # "more", by number
    [reply] = second.replies
    shown = labels(first.replies[0])[:FIRST_PAGE] + labels(reply)
    assert sorted(shown) == sorted(NATIVE_NAMES[loc] for loc in i18n.SUPPORTED)
    assert "العربية" in labels(reply) and len(labels(reply)) == len(i18n.SUPPORTED) - FIRST_PAGE


def test_the_more_label_is_a_plural_in_the_shoppers_language() -> None:
    [reply] = turn("language", HotState(locale="ar"), locale="ar").replies
    assert reply.options[-1].label == "\u200f\u20688\u2069 لغات أخرى"
    [reply] = turn("langue", HotState(locale="fr"), locale="fr").replies
    assert reply.options[-1].label == "8 autres langues"


def test_the_first_page_fits_a_single_sms_and_a_short_telegram_keyboard() -> None:
    [reply] = turn("idioma", HotState(locale="es"), locale="es", likely=("es",)).replies
    parts = TwilioSMS("", "").render(reply)
    assert len(parts) == 1 and parts[0]["body"].count("\n") <= 2 + FIRST_PAGE + 1
    [part] = telegram_render.render(reply)
    assert len(part["reply_markup"]["inline_keyboard"]) == FIRST_PAGE + 1


@pytest.mark.parametrize("locale", i18n.SUPPORTED)
def test_picking_a_language_answers_in_it_and_remembers_it(locale: str) -> None:
    result = turn("", payload=f"lang:{locale}", locale="en")
    assert result.locale == locale and result.locale_reason == "requested"
    assert SetLocale(locale) in result.effects
    assert result.state.slots[engine.CHOSEN] is True
    [reply] = result.replies
    english = "Okay, I'll write in English from now on."
    assert (reply.text == english) is (locale == "en")


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("English please", "en"), ("em português", "pt_BR"), ("中文", "zh_Hans"),
        ("en français", "fr"), ("auf Deutsch", "de"), ("bahasa indonesia", "id"),
        ("بالعربي", "ar"), ("日本語で", "ja"), ("ภาษาไทย", "th"), ("tiếng việt", "vi"),
        ("türkçe lütfen", "tr"), ("español por favor", "es"),
    ],
)
def test_a_shopper_can_ask_for_a_language_in_any_state(text: str, locale: str) -> None:
    hot = HotState(state="offer_human", locale="en")
    result = turn(text, hot, locale="en")
    assert result.locale == locale and result.state.state == "menu"
    assert result.state.slots[engine.CHOSEN] is True


def test_a_chosen_language_is_not_switched_by_a_sentence_in_another() -> None:
    chosen = turn("English please", HotState(locale="es"), locale="es").state
    result = turn("quiero ver las chaquetas de invierno por favor", chosen, locale="en")
    assert (result.locale, result.locale_reason) == ("en", "chosen")


def test_a_choice_made_in_an_earlier_chat_holds_without_the_hot_state() -> None:
    # Redis forgot the conversation (its state expired); the database remembers.
    text = "quiero ver las chaquetas de invierno por favor"
    assert turn(text, locale="en").locale == "es"
    result = turn(text, locale="en", locale_chosen=True)
    assert (result.locale, result.locale_reason) == ("en", "chosen")


def test_a_detected_language_follows_the_shopper() -> None:
    first = turn("hola, quiero ver las chaquetas por favor", phone="+14155550100")
    assert (first.locale, first.locale_reason) == ("es", "detected")
    short = turn("ok", first.state, locale="es", phone="+14155550100")
    assert (short.locale, short.locale_reason) == ("es", "current")
    again = turn("actually can you show me the jackets in english", short.state, locale="es")
    assert (again.locale, again.locale_reason) == ("en", "detected")
