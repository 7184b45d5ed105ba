"""Conversations through the engine, message by message: words in, translated replies out.

Pure: `bot.engine.handle` with a hot state in memory; no database, Redis or server.
"""

from __future__ import annotations

import dataclasses

import pytest

from bot import engine
from bot.config import DEFAULT_SHOP
from bot.shop import Shop, load_shop
from bot.state import HotState
from flows.consent import STOPPED
from flows.handoff import WAITING_HUMAN
from flows.language import CHOOSE_LANGUAGE
from flows.menu import MENU
from flows.types import CancelAgent, OptOut, RequestAgent, SetLocale


@pytest.fixture(scope="module")
def shop() -> Shop:
    return load_shop(DEFAULT_SHOP)


class Chat:
    """One shopper's conversation, kept in memory as the worker keeps it in Redis."""

    def __init__(self, shop: Shop, phone: str | None = "+14155550123", channel: str = "sms",
                 name: str | None = None, hint: str | None = None) -> None:
        self.shop, self.hot = shop, HotState()
        self.conv = engine.Conversation(channel=channel, phone=phone, customer_name=name,
                                        language_hint=hint)

    def send(self, text: str = "", payload: str | None = None, kind: str = "text",
             status: str = "bot") -> engine.Turn:
        conv = dataclasses.replace(self.conv, status=status)
        turn = engine.handle(self.shop, self.hot, conv, engine.Incoming(text, payload, kind))
        self.hot = turn.state
        return turn

    def texts(self, turn: engine.Turn) -> list[str]:
        return [r.text for r in turn.replies]


@pytest.mark.parametrize(("phone", "text", "locale", "reply"), [
    ("+14155550123", "hello!", "en", "Hi! Welcome to Souk Demo Shop. How can I help you today?"),
    ("+525512345678", "hola, buenas tardes", "es",
     "¡Hola! Bienvenido(a) a Souk Demo Shop. ¿En qué te puedo ayudar hoy?"),
    ("+5511987654321", "oi, tudo bem?", "pt_BR",
     "Oi! Bem-vindo(a) à Souk Demo Shop. Como posso ajudar hoje?"),
    # Too short to tell the language: the phone's country decides.
    ("+5511987654321", "hi", "pt_BR",
     "Oi! Bem-vindo(a) à Souk Demo Shop. Como posso ajudar hoje?"),
    ("+34612345678", "hi", "es",
     "¡Hola! Bienvenido(a) a Souk Demo Shop. ¿En qué te puedo ayudar hoy?"),
    # A real sentence wins over the phone's country.
    ("+5511987654321", "hello, good morning to you all", "en",
     "Hi! Welcome to Souk Demo Shop. How can I help you today?"),
])
def test_the_first_message_is_answered_in_the_shoppers_language(
    shop: Shop, phone: str, text: str, locale: str, reply: str
) -> None:
    turn = Chat(shop, phone).send(text)
    assert turn.locale == locale
    assert [r.text for r in turn.replies] == [reply]


@pytest.mark.parametrize(("locale_text", "labels"), [
    ("hello there friend", ["Shop", "Track an order", "Talk to a person", "Language"]),
    ("hola, ¿cómo estás?", ["Comprar", "Seguir un pedido", "Hablar con una persona", "Idioma"]),
    ("olá, tudo bem com você?", ["Comprar", "Rastrear pedido", "Falar com uma pessoa",
                                 "Idioma"]),
])
def test_menu_options_are_translated_and_become_a_list(
    shop: Shop, locale_text: str, labels: list[str]
) -> None:
    [reply] = Chat(shop, phone=None).send(locale_text).replies
    assert [o.label for o in reply.options] == labels
    assert [o.payload for o in reply.options] == ["shop", "track", "human", "language"]
    assert reply.as_list  # four options: more than a row of buttons


def test_the_telegram_language_code_decides_when_nothing_else_does(shop: Shop) -> None:
    turn = Chat(shop, phone=None, channel="telegram", hint="pt-br").send("👋")
    assert turn.locale == "pt_BR" and turn.locale_reason == "hint"


def test_a_short_answer_keeps_the_conversations_language(shop: Shop) -> None:
    chat = Chat(shop, phone="+14155550123")
    assert chat.send("hola, buenas tardes").locale == "es"
    turn = chat.send("ok")
    assert (turn.locale, turn.locale_reason) == ("es", "current")


def test_answering_by_number_picks_the_option_last_shown(shop: Shop) -> None:
    chat = Chat(shop)
    chat.send("hi")
    turn = chat.send("4")
    assert turn.state.state == CHOOSE_LANGUAGE
    assert chat.texts(turn) == ["Which language do you prefer?"]
    # The shop's language and the likely ones first; the rest behind "more".
    assert [o.label for o in turn.replies[0].options] == [
        "English", "Español", "Português (Brasil)", "Français", "8 more languages"]
    turn = chat.send("3")
    assert turn.effects == (SetLocale("pt_BR"),)
    assert chat.texts(turn) == ["Certo, a partir de agora escrevo em português."]
    assert turn.state.state == MENU


def test_a_chosen_language_stays_until_the_shopper_picks_another(shop: Shop) -> None:
    chat = Chat(shop)
    chat.send("hi")
    chat.send("Español", "lang:es")
    turn = chat.send("hello, can you tell me how this works please")
    assert (turn.locale, turn.locale_reason) == ("es", "chosen")
    turn = chat.send("english please")
    assert (turn.locale, turn.effects) == ("en", (SetLocale("en"),))
    assert chat.texts(turn) == ["Okay, I'll write in English from now on."]


def test_two_misses_in_a_row_offer_a_person_and_yes_calls_one(shop: Shop) -> None:
    chat = Chat(shop, phone="+5511987654321")
    chat.send("oi")
    first = chat.send("asdkjh")
    assert chat.texts(first) == ["Desculpe, não entendi. Escolha uma opção ou escreva de "
                                 "outro jeito."]
    second = chat.send("qwerty")
    assert chat.texts(second) == ["Desculpe, ainda não entendi. Quer falar com uma pessoa?"]
    assert [o.label for o in second.replies[0].options] == ["Sim, uma pessoa", "Menu"]
    yes = chat.send("sim")
    assert yes.effects == (RequestAgent("offered"),)
    assert yes.state.state == WAITING_HUMAN


@pytest.mark.parametrize(("answer", "state"), [
    ("no, gracias", MENU), ("No thanks", MENU), ("não, obrigada", MENU),
    ("sí, gracias", WAITING_HUMAN), ("yes please", WAITING_HUMAN),
    ("sim, obrigado", WAITING_HUMAN),
])
def test_a_polite_yes_or_no_answers_the_offer_of_a_person(
    shop: Shop, answer: str, state: str
) -> None:
    chat = Chat(shop)
    chat.send("hi")
    chat.send("blorp")
    chat.send("qwerty")  # the second miss offers a person
    assert chat.send(answer).state.state == state


def test_an_understood_message_resets_the_misses(shop: Shop) -> None:
    chat = Chat(shop)
    chat.send("hi")
    chat.send("blorp")
    chat.send("thanks")
    turn = chat.send("blorp again")
    assert chat.texts(turn) == ["Sorry, I didn't understand that. Choose an option or write "
                                "it in other words."]


@pytest.mark.parametrize(("kind", "text", "reply"), [
    ("media", "", "Obrigado! Ainda não consigo abrir fotos, áudios ou arquivos por aqui. "
                  "Escreva o que você precisa ou escolha uma opção."),
    # A location's label is a place, not the shopper's words: it is not read as a request.
    ("location", "Rua do Shopping, Loja 12", "Obrigado por compartilhar sua localização. "
                 "Ainda não consigo usar localizações por aqui: escreva o que você precisa ou "
                 "escolha uma opção."),
    ("contact", "", "Obrigado pelo contato. Ainda não consigo usar contatos compartilhados por "
                    "aqui: escreva o que você precisa ou escolha uma opção."),
])
def test_attachments_are_acknowledged_and_never_count_as_misses(
    shop: Shop, kind: str, text: str, reply: str
) -> None:
    chat = Chat(shop, phone="+5511987654321")
    chat.send("oi")
    for _ in range(3):  # never escalates to offering a person
        turn = chat.send(text, kind=kind)
        assert chat.texts(turn) == [reply]
        assert turn.state.misses == 0


def test_a_photo_with_a_caption_is_read_by_its_caption(shop: Shop) -> None:
    chat = Chat(shop, phone="+5511987654321")
    chat.send("oi")
    turn = chat.send("quero falar com uma pessoa", kind="media")
    assert turn.effects == (RequestAgent("asked"),)


def test_a_caption_the_bot_does_not_understand_is_a_miss_like_any_words(shop: Shop) -> None:
    chat = Chat(shop)
    chat.send("hi")
    turn = chat.send("what about this one?", kind="media")
    assert chat.texts(turn) == ["Sorry, I didn't understand that. Choose an option or write "
                                "it in other words."]
    assert turn.state.misses == 1


def test_while_an_agent_holds_the_chat_the_bot_is_silent_but_stop_still_works(
    shop: Shop
) -> None:
    chat = Chat(shop)
    chat.send("hi")
    quiet = chat.send("hello? anyone?", status="agent")
    assert quiet.silent and quiet.replies == () and quiet.effects == ()
    stop = chat.send("STOP", status="agent")
    # CancelAgent only takes a shopper out of the queue for a person: a takeover stays.
    assert stop.effects == (OptOut(), CancelAgent())
    assert stop.state.state == STOPPED
    assert chat.texts(stop) == ["You're unsubscribed: Souk Demo Shop won't send you any more "
                                "messages. Reply START to subscribe again."]


def test_while_waiting_for_a_person_only_menu_brings_the_bot_back(shop: Shop) -> None:
    chat = Chat(shop)
    chat.send("a person please")
    assert chat.send("hello?", status="waiting").replies == ()
    back = chat.send("menu", status="waiting")
    assert back.state.state == MENU
    assert chat.texts(back) == ["How can I help you?"]


def test_a_conversation_handed_back_by_an_agent_starts_from_the_menu(shop: Shop) -> None:
    chat = Chat(shop)
    chat.send("a person please")
    turn = chat.send("thanks", status="bot")
    assert chat.texts(turn) == ["You're welcome! Anything else?"]
    assert turn.state.state == MENU


def test_the_apology_is_a_sentence_with_a_next_step_in_the_shoppers_language() -> None:
    assert engine.apology("es").text == ("Perdón, algo falló de nuestro lado. Inténtalo de "
                                         "nuevo o escribe PERSONA para hablar con alguien.")
