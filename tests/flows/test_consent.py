"""STOP, START, HELP and "maybe stop" through the flows and the engine, no server."""

from __future__ import annotations

import tomllib

import pytest

import flows
from bot import engine, nlu
from bot.config import DEFAULT_SHOP
from bot.keywords import KEYWORDS_FILE
from bot.shop import load_shop
from bot.state import HotState
from flows.consent import CONFIRM_STOP, STOPPED
from flows.handoff import OFFER_HUMAN, WAITING_HUMAN
from flows.menu import MENU
from flows.types import Intent, OptIn, OptOut

SHOP = load_shop(DEFAULT_SHOP)

# One opt-out keyword per language souk speaks or will speak (bot/lexicon/keywords.toml).
STOP_WORDS = {
    "en": ["STOP", "Unsubscribe", "stopall", "QUIT", "cancel", "end", "/stop"],
    "es": ["parar", "Baja", "cancelar"],
    "pt_BR": ["Parar", "SAIR", "descadastrar"],
    "fr": ["arrêter", "ARRET", "désabonner"],
    "de": ["Stopp", "abmelden", "kündigen"],
    "id": ["berhenti", "Batal"],
    "ar": ["توقف", "إلغاء"],
    "zh": ["退订", "停止"],
    "th": ["หยุด", "ยกเลิก"],
    "vi": ["dừng", "Hủy"],
    "tr": ["DUR", "İPTAL"],
    "ja": ["停止", "配信停止"],
}
START_WORDS = ["START", "unstop", "alta", "reanudar", "voltar a receber", "démarrer", "mulai",
               "訂閱", "再開", "başla"]
HELP_WORDS = ["HELP", "info", "ayuda", "ajuda", "aide", "Hilfe", "bantuan", "مساعدة", "帮助",
              "ヘルプ", "yardım", "giúp", "/help"]
# A stop word inside a sentence is not an opt-out.
SENTENCES = ["don't stop the order", "please stop sending me offers", "quero parar de receber",
             "quiero darme de baja ya", "je veux me désabonner", "bitte abmelden danke",
             "请不要停止我的订单", "配信停止してください", "saya mau berhenti langganan"]
NOT_STOP = ["necesito una talla para mi hijo", "c'est dur", "where is my order", "cancel my order",
            "the end of the street", "stopwatch"]


@pytest.mark.parametrize("text", [w for words in STOP_WORDS.values() for w in words])
def test_every_languages_stop_word_alone_is_stop(text: str) -> None:
    assert nlu.understand(text).intent is Intent.STOP


def test_the_keywords_file_covers_every_language_in_every_section() -> None:
    data = tomllib.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    for section in ("stop", "start", "help", "ask"):
        assert set(data[section]) == set(STOP_WORDS), section
    assert len(STOP_WORDS) == 12


@pytest.mark.parametrize("text", START_WORDS)
def test_start_words_alone_are_start(text: str) -> None:
    assert nlu.understand(text).intent is Intent.START


@pytest.mark.parametrize("text", HELP_WORDS)
def test_help_words_alone_are_help(text: str) -> None:
    assert nlu.understand(text).intent is Intent.HELP


@pytest.mark.parametrize("text", SENTENCES)
def test_a_stop_word_inside_a_sentence_asks(text: str) -> None:
    assert nlu.understand(text).intent is Intent.MAYBE_STOP


@pytest.mark.parametrize("text", NOT_STOP)
def test_other_sentences_are_not_about_stopping(text: str) -> None:
    assert nlu.understand(text).intent not in (Intent.STOP, Intent.MAYBE_STOP)


def turn(text: str, state: str = MENU, *, opted_out: bool = False, channel: str = "whatsapp",
         status: str = "bot", payload: str | None = None) -> engine.Turn:
    hot = HotState(state=state, locale="en", turn=3)
    conv = engine.Conversation(channel=channel, status=status, locale="en")
    return engine.handle(SHOP, hot, conv, engine.Incoming(text, payload),
                         lambda event, locale, state: {"opted_out": opted_out})


def kinds(t: engine.Turn) -> list[str]:
    return [type(a).__name__ for a in t.effects]


@pytest.mark.parametrize("state", flows.STATES)
def test_stop_in_any_state_opts_out_and_confirms(state: str) -> None:
    t = turn("STOP", state)
    assert "OptOut" in kinds(t)
    [reply] = t.replies
    assert "unsubscribed" in reply.text and "Souk Demo Shop" in reply.text
    assert t.state.state == STOPPED


def test_a_second_stop_is_recorded_but_not_confirmed_again() -> None:
    t = turn("stop", STOPPED, opted_out=True)
    assert any(isinstance(a, OptOut) for a in t.effects)
    assert t.replies == ()


def test_stop_during_a_takeover_is_answered_and_other_words_are_not() -> None:
    t = turn("parar", WAITING_HUMAN, status="agent")
    assert "OptOut" in kinds(t) and len(t.replies) == 1
    quiet = turn("don't stop the order", WAITING_HUMAN, status="agent")
    assert quiet.silent and quiet.replies == ()


def test_stop_while_waiting_for_a_person_leaves_the_queue() -> None:
    t = turn("STOP", WAITING_HUMAN, status="waiting")
    assert kinds(t) == ["OptOut", "CancelAgent"]


def test_yes_right_after_stop_resubscribes_but_yes_elsewhere_answers_the_question() -> None:
    resumed = turn("yes", STOPPED, opted_out=True)
    assert any(isinstance(a, OptIn) for a in resumed.effects)
    assert resumed.state.state == MENU
    answered = turn("yes", OFFER_HUMAN, opted_out=True)
    assert not any(isinstance(a, OptIn) for a in answered.effects)
    assert answered.state.state == WAITING_HUMAN


@pytest.mark.parametrize("word", ["START", "unstop"])
def test_start_resubscribes_anywhere(word: str) -> None:
    t = turn(word, OFFER_HUMAN, opted_out=True)
    assert kinds(t) == ["OptIn"]
    assert "subscribed again" in t.replies[0].text


def test_telegram_start_greets_a_new_shopper_and_resubscribes_a_stopped_one() -> None:
    hello = turn("/start", channel="telegram")
    assert hello.effects == () and hello.replies[0].text.startswith("Hi! Welcome")
    back = turn("/start", STOPPED, channel="telegram", opted_out=True)
    assert kinds(back) == ["OptIn"]


def test_a_stopped_sms_shopper_gets_answers_to_start_and_help_only() -> None:
    assert turn("hi", STOPPED, channel="sms", opted_out=True).replies == ()
    assert turn("talk to a person", STOPPED, channel="sms", opted_out=True).replies == ()
    assert "STOP" in turn("HELP", STOPPED, channel="sms", opted_out=True).replies[0].text
    assert turn("START", STOPPED, channel="sms", opted_out=True).replies
    # WhatsApp and Telegram answer what a stopped shopper writes (nothing unsolicited).
    assert turn("hi", STOPPED, channel="whatsapp", opted_out=True).replies


def test_help_names_the_shop_and_how_to_stop() -> None:
    [reply] = turn("info").replies
    assert "Souk Demo Shop" in reply.text and "STOP" in reply.text


def test_maybe_stop_asks_and_only_yes_stops() -> None:
    asked = turn("please stop sending me offers")
    assert asked.effects == () and asked.state.state == CONFIRM_STOP
    assert asked.replies[0].text == "Do you want to stop all messages from Souk Demo Shop?"
    assert [o.payload for o in asked.replies[0].options] == ["yes", "no"]
    stopped = turn("", CONFIRM_STOP, payload="yes")
    assert kinds(stopped) == ["OptOut", "CancelAgent"] and stopped.state.state == STOPPED
    kept = turn("no", CONFIRM_STOP)
    assert kept.effects == () and kept.state.state == MENU


def test_maybe_stop_from_a_stopped_shopper_says_how_to_come_back() -> None:
    t = turn("don't stop the order", STOPPED, opted_out=True)
    assert t.effects == () and "START" in t.replies[0].text


def test_the_question_is_asked_in_the_shoppers_language() -> None:
    hot = HotState(state=MENU, locale="es", turn=3)
    t = engine.handle(SHOP, hot, engine.Conversation(channel="whatsapp", locale="es"),
                      engine.Incoming("quiero darme de baja ya"), lambda e, lo, s: {})
    assert t.replies[0].text == "¿Quieres dejar de recibir todos los mensajes de Souk Demo Shop?"
