"""Every flow table is sound: states reachable, none a trap, STOP/HELP/a person answered.

Pure: the tables are run directly with `flows.machine.run`, no engine, no server.
"""

from __future__ import annotations

from types import ModuleType

import pytest

import flows
from flows import consent, fallback, handoff, help, language, menu
from flows.machine import ANY, SAME, T, TableError, check, run, say
from flows.types import (
    N_,
    CancelAgent,
    Context,
    Event,
    Intent,
    Miss,
    OptIn,
    OptOut,
    RequestAgent,
    Say,
    SetLocale,
)

MODULES = (consent, help, handoff, language, menu, fallback)
LOCALES = ("en", "es", "pt_BR")


def ctx(state: str, **changes: object) -> Context:
    values: dict[str, object] = {
        "state": state, "locale": "en", "channel": "whatsapp", "shop_name": "Shop",
        "locales": LOCALES, "turn": 3,
    }
    values.update(changes)
    return Context(**values)  # type: ignore[arg-type]


def says(actions: tuple[object, ...]) -> list[str]:
    return [a.msgid for a in actions if isinstance(a, Say)]


def test_the_assembled_table_passes_its_own_check() -> None:
    check(flows.TABLE, flows.STATES, flows.START)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_each_flow_module_exports_a_table_of_known_states(module: ModuleType) -> None:
    assert isinstance(module.TABLE, tuple) and module.TABLE
    assert all(isinstance(row, T) for row in module.TABLE)
    assert set(module.STATES) <= set(flows.STATES)
    for row in module.TABLE:
        assert row.state in (ANY, *flows.STATES), row
        assert row.next in (SAME, *flows.STATES), row
    # Every module's rows are in the assembled table, in the module's own order.
    positions = [flows.TABLE.index(row) for row in module.TABLE]
    assert positions == sorted(positions)


def test_the_fallback_comes_last_and_answers_anything() -> None:
    assert flows.TABLE[-len(fallback.TABLE):] == fallback.TABLE
    assert flows.TABLE[-1].state == ANY and flows.TABLE[-1].on == ANY
    assert flows.TABLE[-1].guard is None


@pytest.mark.parametrize("state", flows.STATES)
def test_stop_in_any_state_opts_out_and_confirms(state: str) -> None:
    step = run(flows.TABLE, ctx(state), Event(Intent.STOP, "STOP"))
    # The conversation rests in STOPPED, where YES resumes (flows/consent.py); a shopper
    # waiting for a person leaves the queue (CancelAgent does nothing to a takeover).
    assert [a for a in step.actions if not isinstance(a, Say)] == [OptOut(), CancelAgent()]
    assert says(step.actions) == [
        "You're unsubscribed: {shop} won't send you any more messages. "
        "Reply START to subscribe again."
    ]
    assert step.state == consent.STOPPED


@pytest.mark.parametrize("state", flows.STATES)
def test_a_second_stop_in_any_state_is_recorded_but_not_confirmed(state: str) -> None:
    step = run(flows.TABLE, ctx(state, facts={"opted_out": True}), Event(Intent.STOP, "STOP"))
    assert step.actions == (OptOut(),)
    assert step.state == consent.STOPPED


@pytest.mark.parametrize("state", flows.STATES)
def test_help_in_any_state_explains_and_keeps_the_place(state: str) -> None:
    step = run(flows.TABLE, ctx(state), Event(Intent.HELP, "help"))
    [msgid] = says(step.actions)
    assert "STOP" in msgid and "MENU" in msgid and "PERSON" in msgid
    assert step.state == state


@pytest.mark.parametrize("state", flows.STATES)
def test_asking_for_a_person_in_any_state_calls_one(state: str) -> None:
    step = run(flows.TABLE, ctx(state), Event(Intent.HUMAN, "a person please"))
    assert step.state == handoff.WAITING_HUMAN
    assert RequestAgent("asked") in step.actions
    assert says(step.actions)


@pytest.mark.parametrize("state", flows.STATES)
def test_menu_in_any_state_leads_back_to_the_menu(state: str) -> None:
    step = run(flows.TABLE, ctx(state), Event(Intent.MENU, "menu"))
    assert step.state == menu.MENU
    [say_action] = [a for a in step.actions if isinstance(a, Say)]
    assert [c.payload for c in say_action.options] == ["shop", "track", "human", "language"]
    # Leaving the queue for a person tells the engine the shopper stopped waiting.
    assert (CancelAgent() in step.actions) == (state == handoff.WAITING_HUMAN)


# -- check() itself: a table test that cannot fail would prove nothing ---------------


def test_check_reports_an_unreachable_state() -> None:
    table = (*flows.TABLE, T("island", Intent.YES, None, menu.MENU))
    with pytest.raises(TableError, match="'island' is unreachable"):
        check(table, (*flows.STATES, "island"), flows.START)


def test_check_reports_a_trap() -> None:
    # Reachable by YES from the menu, but every row from it leads back to it.
    table = (T(menu.MENU, Intent.YES, None, "trap"), *flows.TABLE)
    states = (*flows.STATES, "trap")
    pinned = tuple(
        T(row.state, row.on, row.guard, "trap" if row.state == ANY else row.next, *row.effects)
        if row.state == ANY else row for row in table
    )
    with pytest.raises(TableError, match="'trap' is a trap"):
        check(pinned, states, flows.START)


@pytest.mark.parametrize("intent", [Intent.STOP, Intent.HELP, Intent.HUMAN])
def test_check_reports_a_state_that_ignores_a_must_answer(intent: Intent) -> None:
    table = tuple(row for row in flows.TABLE if row.on != intent)
    with pytest.raises(TableError, match=f"does not answer {intent.value}"):
        check(table, flows.STATES, flows.START)


def test_check_reports_a_catch_all_row_that_swallows_stop() -> None:
    swallow = T(ANY, ANY, None, SAME, say(N_("What?")))
    with pytest.raises(TableError, match="does not answer stop: a row for any message"):
        check((swallow, *flows.TABLE), flows.STATES, flows.START)


def test_check_reports_an_unknown_state() -> None:
    table = (*flows.TABLE, T(menu.MENU, Intent.NO, None, "nowhere"))
    with pytest.raises(TableError, match="unknown state 'nowhere'"):
        check(table, flows.STATES, flows.START)


def test_first_matching_row_wins_and_no_match_stays_put() -> None:
    table = (
        T(ANY, Intent.YES, lambda c, e: c.misses > 0, "b", say(N_("guarded"))),
        T(ANY, Intent.YES, None, "a", say(N_("first"))),
        T(ANY, Intent.YES, None, "b", say(N_("second"))),
    )
    assert run(table, ctx("x"), Event(Intent.YES)).state == "a"
    assert says(run(table, ctx("x"), Event(Intent.YES)).actions) == ["first"]
    assert says(run(table, ctx("x", misses=1), Event(Intent.YES)).actions) == ["guarded"]
    nothing = run(table, ctx("x"), Event(Intent.NO))
    assert (nothing.state, nothing.actions) == ("x", ())


# -- the flows' own rows, event by event -------------------------------------------

ROWS = [
    # (state, event, next state, message, actions)
    (menu.MENU, Event(Intent.GREET, "hi"), menu.MENU,
     "Hi! Welcome to {shop}. How can I help you today?", ()),
    (menu.MENU, Event(Intent.LANGUAGE, "idioma"), language.CHOOSE_LANGUAGE,
     "Which language do you prefer?", ()),
    (language.CHOOSE_LANGUAGE, Event(Intent.LANGUAGE, payload="lang:es",
                                     entities={"locale": "es"}),
     menu.MENU, "Okay, I'll write in English from now on.", (SetLocale("es"),)),
    (menu.MENU, Event(Intent.LANGUAGE, "klingon", entities={"locale": "tlh"}),
     language.CHOOSE_LANGUAGE, "Which language do you prefer?", ()),
    (handoff.OFFER_HUMAN, Event(Intent.YES, "yes"), handoff.WAITING_HUMAN,
     "Sure, I'm asking a person to join. They will answer here in this chat. Write MENU to "
     "go back to the bot.", (RequestAgent("offered"),)),
    (handoff.OFFER_HUMAN, Event(Intent.NO, "no"), menu.MENU, "How can I help you?", ()),
    (menu.MENU, Event(Intent.START, "START"), menu.MENU,
     "You're subscribed again. Write MENU to see what I can do.", (OptIn(),)),
    (menu.MENU, Event(Intent.THANKS, "thanks"), menu.MENU, "You're welcome! Anything else?",
     ()),
    (menu.MENU, Event(Intent.UNKNOWN, "blorp"), menu.MENU,
     "Sorry, I didn't understand that. Choose an option or write it in other words.",
     (Miss(),)),
    (language.CHOOSE_LANGUAGE, Event(Intent.UNKNOWN, "photo", entities={"kind": "media"}),
     menu.MENU, "Thanks! I can't open photos, voice messages or files here yet. Please write "
     "what you need, or choose an option.", ()),
    (menu.MENU, Event(Intent.UNKNOWN, entities={"kind": "location"}), menu.MENU,
     "Thanks for sharing your location. I can't use locations here yet: please write what "
     "you need, or choose an option.", ()),
    (menu.MENU, Event(Intent.UNKNOWN, entities={"kind": "contact"}), menu.MENU,
     "Thanks for the contact. I can't use shared contacts here yet: please write what you "
     "need, or choose an option.", ()),
]


@pytest.mark.parametrize(("state", "event", "next_state", "msgid", "actions"), ROWS)
def test_a_flow_row_answers_its_event(
    state: str, event: Event, next_state: str, msgid: str, actions: tuple[object, ...]
) -> None:
    step = run(flows.TABLE, ctx(state), event)
    assert step.state == next_state
    assert says(step.actions) == [msgid]
    assert [a for a in step.actions if not isinstance(a, Say)] == list(actions)


def test_a_first_message_nobody_understands_is_welcomed_not_apologised_for() -> None:
    step = run(flows.TABLE, ctx(menu.MENU, turn=0), Event(Intent.UNKNOWN, "????"))
    assert says(step.actions) == ["Hi! Welcome to {shop}. How can I help you today?"]
    assert Miss() not in step.actions


def test_the_greeting_uses_the_name_the_channel_gave() -> None:
    step = run(flows.TABLE, ctx(menu.MENU, customer_name="Ana"), Event(Intent.GREET, "hi"))
    [action] = step.actions
    assert isinstance(action, Say)
    assert action.msgid == "Hi {name}! Welcome to {shop}. How can I help you today?"
    assert action.params == {"name": "Ana", "shop": "Shop"}


def test_a_second_miss_offers_a_person_and_the_first_does_not() -> None:
    first = run(flows.TABLE, ctx(menu.MENU, misses=0), Event(Intent.UNKNOWN, "x"))
    second = run(flows.TABLE, ctx(menu.MENU, misses=1), Event(Intent.UNKNOWN, "y"))
    assert first.state == menu.MENU
    assert second.state == handoff.OFFER_HUMAN
    [offer] = [a for a in second.actions if isinstance(a, Say)]
    assert [c.payload for c in offer.options] == ["human", "menu"]


def test_while_waiting_for_a_person_the_bot_stays_quiet() -> None:
    for event in (Event(Intent.UNKNOWN, "hello?"), Event(Intent.THANKS, "thanks"),
                  Event(Intent.UNKNOWN, entities={"kind": "media"}), Event(Intent.YES, "yes")):
        step = run(flows.TABLE, ctx(handoff.WAITING_HUMAN), event)
        assert step == run(flows.TABLE, ctx(handoff.WAITING_HUMAN), event)
        assert (step.state, step.actions) == (handoff.WAITING_HUMAN, ())


def test_languages_are_offered_in_their_own_words() -> None:
    step = run(flows.TABLE, ctx(menu.MENU, locale="es"), Event(Intent.LANGUAGE, "idioma"))
    [action] = step.actions
    assert isinstance(action, Say)
    # The current language first, each in its own words, never translated.
    assert [(c.label, c.payload, c.translate) for c in action.options] == [
        ("Español", "lang:es", False),
        ("English", "lang:en", False),
        ("Português (Brasil)", "lang:pt_BR", False),
    ]
