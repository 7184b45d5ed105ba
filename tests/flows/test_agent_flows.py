"""The flows around a person, as tables: no server, events in, actions out."""

from __future__ import annotations

from typing import Any

import pytest

import flows
from flows.agent import RATE_SERVICE, RecordRating
from flows.handoff import OFFER_HUMAN, WAITING_HUMAN
from flows.machine import Step, run
from flows.menu import MENU
from flows.types import CancelAgent, Context, Event, Intent, RequestAgent, Say


def step(state: str, intent: Intent, payload: str | None = None, **facts: Any) -> Step:
    ctx = Context(state=state, locale="en", channel="whatsapp", shop_name="Shop",
                  locales=("en",), facts=facts)
    entities = {"rating": facts.pop("rating")} if "rating" in facts else {}
    return run(flows.TABLE, ctx, Event(intent, payload=payload, entities=entities))


def said(s: Step) -> list[str]:
    return [a.msgid for a in s.actions if isinstance(a, Say)]


def test_asking_for_a_person_queues_and_tells_the_wait() -> None:
    s = step(MENU, Intent.HUMAN, agents_open=True, agent_eta_minutes=5)
    assert s.state == WAITING_HUMAN
    assert RequestAgent("asked") in s.actions
    [say] = [a for a in s.actions if isinstance(a, Say)]
    assert "about {minutes} minutes" in say.msgid and say.params == {"minutes": 5}


def test_accepting_an_offer_records_why() -> None:
    s = step(OFFER_HUMAN, Intent.YES)
    assert RequestAgent("offered") in s.actions


@pytest.mark.parametrize(("facts", "words"), [
    ({"agents_open": False, "opens_at": "Monday 9:00 AM", "zone": "New York Time"},
     "when we open: {opens_at} ({zone})"),
    ({"agents_open": True, "agents_online": 0}, "Everyone is busy right now"),
    ({"agents_open": True, "agent_eta_minutes": 10}, "about {minutes} minutes"),
    ({}, "They will answer here in this chat"),
])
def test_the_shopper_learns_when_someone_answers(facts: dict[str, Any], words: str) -> None:
    [msgid] = said(step(MENU, Intent.HUMAN, **facts))
    assert words in msgid


def test_menu_while_waiting_cancels_and_anything_else_stays_quiet() -> None:
    assert CancelAgent() in step(WAITING_HUMAN, Intent.MENU).actions
    quiet = step(WAITING_HUMAN, Intent.GREET)
    assert (quiet.state, quiet.actions) == (WAITING_HUMAN, ())


def test_giving_back_returns_to_the_menu_or_asks_for_a_rating() -> None:
    back = step(WAITING_HUMAN, Intent.AGENT_DONE, rating=False)
    assert back.state == MENU and "assistant again" in said(back)[0]
    rate = step(MENU, Intent.AGENT_DONE, rating=True)
    assert rate.state == RATE_SERVICE
    [say] = [a for a in rate.actions if isinstance(a, Say)]
    assert [c.payload for c in say.options] == [f"rate:{n}" for n in range(1, 6)]


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_rating_is_kept_and_thanked(score: int) -> None:
    s = step(RATE_SERVICE, Intent.CHOICE, f"rate:{score}")
    assert s.state == MENU
    assert RecordRating(score) in s.actions
    assert not any(isinstance(a, RequestAgent) for a in s.actions)


@pytest.mark.parametrize("score", [1, 2])
def test_a_low_rating_asks_for_a_person_again(score: int) -> None:
    s = step(RATE_SERVICE, Intent.CHOICE, f"rate:{score}", agents_open=True)
    assert s.state == WAITING_HUMAN
    assert s.actions[0] == RecordRating(score)
    assert RequestAgent("low_rating") in s.actions


@pytest.mark.parametrize("payload", ["rate:0", "rate:6", "rate:x", "menu:1"])
def test_something_else_than_a_score_is_not_a_rating(payload: str) -> None:
    s = step(RATE_SERVICE, Intent.CHOICE, payload)
    assert not any(isinstance(a, RecordRating) for a in s.actions)


def test_every_state_answers_stop_help_and_a_person() -> None:
    for state in flows.STATES:
        for intent in (Intent.STOP, Intent.HELP, Intent.HUMAN):
            assert step(state, intent).actions, (state, intent)
