"""Understanding: numbers, labels, payloads, keywords and phrases in en, es and pt_BR."""

from __future__ import annotations

import pytest

from bot.nlu import normalize, understand
from flows.types import Intent

MENU = (("Shop", "shop"), ("Track an order", "track"), ("Talk to a person", "human"),
        ("Language", "language"))
MENU_PT = (("Comprar", "shop"), ("Rastrear pedido", "track"),
           ("Falar com uma pessoa", "human"), ("Idioma", "language"))
LANGUAGES = (("English", "lang:en"), ("Español", "lang:es"),
             ("Português (Brasil)", "lang:pt_BR"))


@pytest.mark.parametrize(("text", "payload"), [
    ("1", "shop"), ("2", "track"), (" 4 ", "language"), ("option 3", "human"),
    ("opción 2", "track"), ("opção 1", "shop"), ("nº 2", "track"), ("2.", "track"),
])
def test_a_number_picks_the_option_shown_at_that_place(text: str, payload: str) -> None:
    assert understand(text, options=MENU).payload == payload


@pytest.mark.parametrize("text", ["0", "5", "12", "99"])
def test_a_number_with_no_such_option_is_not_understood(text: str) -> None:
    assert understand(text, options=MENU).intent is Intent.UNKNOWN


def test_a_number_means_nothing_when_no_options_were_shown() -> None:
    assert understand("2").intent is Intent.UNKNOWN


@pytest.mark.parametrize(("text", "options", "intent"), [
    ("Track an order", MENU, Intent.TRACK),
    ("track AN order!", MENU, Intent.TRACK),
    ("rastrear pedido", MENU_PT, Intent.TRACK),
    ("IDIOMA", MENU_PT, Intent.LANGUAGE),
    ("Falar com uma pessoa", MENU_PT, Intent.HUMAN),
    ("portugues (brasil)", LANGUAGES, Intent.LANGUAGE),
])
def test_an_options_label_picks_it_whatever_the_case_and_accents(
    text: str, options: tuple[tuple[str, str], ...], intent: Intent
) -> None:
    assert understand(text, options=options).intent is intent


def test_picking_a_language_by_number_names_the_locale() -> None:
    event = understand("2", options=LANGUAGES)
    assert (event.intent, event.entities) == (Intent.LANGUAGE, {"locale": "es"})


@pytest.mark.parametrize(("payload", "intent"), [
    ("menu", Intent.MENU), ("human", Intent.HUMAN), ("help", Intent.HELP),
    ("language", Intent.LANGUAGE), ("shop", Intent.BROWSE), ("track", Intent.TRACK),
    ("yes", Intent.YES), ("no", Intent.NO),
])
def test_a_buttons_payload_names_the_intent_whatever_its_label(
    payload: str, intent: Intent
) -> None:
    event = understand("Whatever the label said", payload)
    assert (event.intent, event.payload, event.text) == (intent, payload,
                                                         "Whatever the label said")


def test_a_language_payload_carries_the_locale() -> None:
    event = understand("Português (Brasil)", "lang:pt_BR")
    assert (event.intent, event.entities) == (Intent.LANGUAGE, {"locale": "pt_BR"})


def test_a_payload_no_flow_knows_is_a_choice_kept_verbatim() -> None:
    event = understand("Blue hat", "sku:HAT-42")
    assert (event.intent, event.payload) == (Intent.CHOICE, "sku:HAT-42")


@pytest.mark.parametrize(("text", "intent"), [
    ("STOP", Intent.STOP), ("stop", Intent.STOP), ("Unsubscribe", Intent.STOP),
    ("BAJA", Intent.STOP), ("parar", Intent.STOP), ("Pare", Intent.STOP),
    ("cancelar", Intent.STOP), ("no más", Intent.STOP),
    ("START", Intent.START), ("alta", Intent.START), ("reativar", Intent.START),
    ("voltar a receber", Intent.START),
    ("help", Intent.HELP), ("AYUDA", Intent.HELP), ("ajuda", Intent.HELP), ("info", Intent.HELP),
])
def test_keywords_in_any_shipped_language(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


def test_a_keyword_beats_an_option_with_the_same_label() -> None:
    assert understand("stop", options=(("Stop", "pause-delivery"),)).intent is Intent.STOP


@pytest.mark.parametrize("text", [
    "please don't stop", "stop by the store tomorrow", "help me choose a gift",
])
def test_keywords_count_only_as_the_whole_message(text: str) -> None:
    assert understand(text).intent not in (Intent.STOP, Intent.START)


@pytest.mark.parametrize(("text", "intent"), [
    ("I want to talk to a person", Intent.HUMAN),
    ("quero falar com uma pessoa", Intent.HUMAN),
    ("¿Puedo hablar con una persona?", Intent.HUMAN),
    ("hi, can I talk to someone?", Intent.HUMAN),
    ("where is my order?", Intent.TRACK),
    ("¿Dónde está mi pedido?", Intent.TRACK),
    ("cadê meu pedido???", Intent.TRACK),
    ("do you sell jackets?", Intent.BROWSE),
    ("hi, do you sell jackets?", Intent.BROWSE),
    ("¿tienen camisetas rojas?", Intent.BROWSE),
    ("quanto custa a camiseta?", Intent.BROWSE),
    ("hi", Intent.GREET), ("Hola!", Intent.GREET), ("oi, tudo bem?", Intent.GREET),
    ("bom dia", Intent.GREET), ("buenas tardes", Intent.GREET),
    ("thanks!", Intent.THANKS), ("muchas gracias", Intent.THANKS), ("valeu", Intent.THANKS),
    ("menu", Intent.MENU), ("menú principal", Intent.MENU), ("opções", Intent.MENU),
    ("yes", Intent.YES), ("sí", Intent.YES), ("sim", Intent.YES),
    ("no", Intent.NO), ("não", Intent.NO), ("ahora no", Intent.NO),
    ("how does this work?", Intent.HELP), ("como funciona?", Intent.HELP),
])
def test_phrases_in_en_es_and_pt(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("no, gracias", Intent.NO), ("no thanks", Intent.NO), ("não, obrigado", Intent.NO),
    ("sí, gracias", Intent.YES), ("yes please", Intent.YES), ("sim, obrigada", Intent.YES),
    ("gracias", Intent.THANKS), ("ok, thanks!", Intent.THANKS), ("muito obrigado", Intent.THANKS),
    ("I need help", Intent.HELP),
])
def test_a_phrase_that_contains_another_wins_over_it(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


@pytest.mark.parametrize("text", [
    "my order arrived broken", "la taza llegó rota", "chegou quebrado", "I have a complaint",
])
def test_a_complaint_asks_for_a_person(text: str) -> None:
    assert understand(text).intent is Intent.HUMAN


def test_small_talk_counts_only_when_it_is_most_of_the_message() -> None:
    assert understand("hello").intent is Intent.GREET
    assert understand("hello, I have a question about the weird noise of my blender"
                      ).intent is Intent.UNKNOWN


@pytest.mark.parametrize(("text", "locale"), [
    ("English please", "en"), ("em português", "pt_BR"), ("español", "es"),
    ("¿hablas español?", "es"), ("can you speak portuguese?", "pt_BR"),
])
def test_asking_for_a_language_names_it(text: str, locale: str) -> None:
    event = understand(text)
    assert (event.intent, event.entities) == (Intent.LANGUAGE, {"locale": locale})


@pytest.mark.parametrize("text", ["", "   ", "!!!", "🙂", "asdkjh qwe"])
def test_nothing_readable_is_unknown(text: str) -> None:
    assert understand(text).intent is Intent.UNKNOWN


def test_normalize_folds_case_accents_and_punctuation() -> None:
    assert normalize("  ¿Dónde   está MI pedido?! ") == "donde esta mi pedido"
    assert normalize("Opção nº 2") == "opcao no 2"
