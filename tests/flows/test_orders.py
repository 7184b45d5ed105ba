"""The order and feedback tables, fed events and facts, with no server."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import flows
from flows.feedback import COMMENT, RATE, SLOT, CommentOnOrder, RateOrder
from flows.handoff import WAITING_HUMAN
from flows.language import CHOOSE_LANGUAGE
from flows.machine import Step, run
from flows.menu import MENU
from flows.orders import ASK_ORDER, ASK_UPDATES, PICK_ORDER, AnswerUpdates, OrderFacts, OrderView
from flows.types import Context, Event, Intent, RequestAgent, Say


def view(number: str, status: str = "shipped", *, open_: bool = True,
         can_rate: bool = False) -> OrderView:
    return OrderView(number=number, status=status, label=f"Order {number}: {status}",
                     status_label=status.title(), details=f"details of {number}", open=open_,
                     can_rate=can_rate)


def step(state: str, event: Event, facts: OrderFacts | None = None,
         slots: Mapping[str, Any] | None = None) -> Step:
    ctx = Context(state=state, locale="en", channel="whatsapp", shop_name="Shop",
                  locales=("en",), slots=slots or {}, turn=3,
                  facts={"orders": facts} if facts is not None else {})
    return run(flows.TABLE, ctx, event)


def says(result: Step) -> list[Say]:
    return [a for a in result.actions if isinstance(a, Say)]


TRACK = Event(Intent.TRACK, "where is my order?")


def test_the_only_open_order_is_shown_with_its_details() -> None:
    result = step(MENU, TRACK, OrderFacts(orders=(view("1042"), view("1001", "delivered",
                                                                      open_=False))))
    [shown] = says(result)
    assert shown.params["number"] == "1042" and shown.params["details"] == "details of 1042"
    assert result.state == MENU


def test_several_open_orders_are_offered_to_choose_from() -> None:
    result = step(MENU, TRACK, OrderFacts(orders=(view("1043"), view("1042"))))
    [question] = says(result)
    assert result.state == PICK_ORDER
    assert [c.payload for c in question.options] == ["order:1043", "order:1042"]
    assert not any(c.translate for c in question.options)  # labels come localised


def test_a_pick_shows_that_order_and_offers_updates_when_never_asked() -> None:
    facts = OrderFacts(orders=(view("1043"), view("1042")), may_offer_updates=True)
    result = step(PICK_ORDER, Event(Intent.CHOICE, "2", payload="order:1042"), facts)
    [shown] = says(result)
    assert shown.params["number"] == "1042"
    assert [c.payload for c in shown.options] == ["yes", "no"]
    assert result.state == ASK_UPDATES


@pytest.mark.parametrize("granted, intent", [(True, Intent.YES), (False, Intent.NO)])
def test_the_answer_to_updates_is_recorded(granted: bool, intent: Intent) -> None:
    result = step(ASK_UPDATES, Event(intent, "x"))
    assert AnswerUpdates(granted) in result.actions
    assert result.state == MENU


def test_a_forged_button_for_someone_elses_order_shows_nothing() -> None:
    facts = OrderFacts(orders=(view("1042"),))
    result = step(MENU, Event(Intent.CHOICE, "x", payload="order:6001"), facts)
    assert all("6001" not in str(s.params) for s in says(result))
    assert result.state != ASK_UPDATES


@pytest.mark.parametrize("state", [MENU, ASK_ORDER, PICK_ORDER])
def test_a_number_that_is_not_the_shoppers_gets_the_not_found_answer(state: str) -> None:
    facts = OrderFacts(orders=(view("1042"),), ref="6001", match=None)
    [answer] = says(step(state, Event(Intent.UNKNOWN, "6001"), facts))
    assert answer.params == {"ref": "6001"}
    assert "can't find order" in answer.msgid


def test_no_orders_asks_for_the_number() -> None:
    result = step(MENU, TRACK, OrderFacts())
    assert result.state == ASK_ORDER


def test_a_tracking_number_alone_finds_the_shoppers_order_in_any_state() -> None:
    facts = OrderFacts(orders=(view("1042"),), ref="BR123", match=view("1042"))
    result = step(CHOOSE_LANGUAGE,
                  Event(Intent.UNKNOWN, "BR123"), facts)
    assert says(result)[0].params["number"] == "1042"


def test_a_delivered_order_can_be_rated_from_its_card() -> None:
    facts = OrderFacts(orders=(view("1042", "delivered", open_=False, can_rate=True),))
    [card] = says(step(MENU, TRACK, facts))
    assert card.options[0].payload == "feedback:1042"
    result = step(MENU, Event(Intent.CHOICE, "Rate", payload="feedback:1042"), facts)
    assert result.state == RATE


@pytest.mark.parametrize("event", [Event(Intent.CHOICE, "Very good", payload="rate:4"),
                                   Event(Intent.UNKNOWN, "4 stars")])
def test_a_good_score_is_stored_then_a_comment_invited(event: Event) -> None:
    result = step(RATE, event, slots={SLOT: "1042"})
    assert RateOrder("1042", 4) in result.actions
    assert result.state == COMMENT
    result = step(COMMENT, Event(Intent.TRACK, "the delivery was quick"), slots={SLOT: "1042"})
    assert CommentOnOrder("1042", "the delivery was quick") in result.actions
    assert result.state == MENU


def test_a_low_score_asks_a_person_to_follow_up() -> None:
    result = step(RATE, Event(Intent.CHOICE, "Poor", payload="rate:1"), slots={SLOT: "1042"})
    assert RateOrder("1042", 1) in result.actions
    assert any(isinstance(a, RequestAgent) for a in result.actions)
    assert result.state == WAITING_HUMAN


def test_stop_help_and_a_person_are_answered_while_rating() -> None:
    for intent in (Intent.STOP, Intent.HELP, Intent.HUMAN):
        result = step(RATE, Event(intent, "x"), slots={SLOT: "1042"})
        assert not any(isinstance(a, RateOrder) for a in result.actions)
        assert says(result)
