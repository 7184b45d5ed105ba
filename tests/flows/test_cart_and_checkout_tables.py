"""The cart and checkout tables, fed events and facts, with no server: what they decide."""

from __future__ import annotations

from typing import Any

import pytest

import flows
from flows import checkout
from flows.cart import AddToCart, RemoveFromCart
from flows.cart_words import parse_add, parse_add_payload
from flows.checkout import PlaceOrder, RetryPayment
from flows.machine import run
from flows.menu import MENU
from flows.types import Context, Event, Intent, Say, SetSlots


def ctx(state: str = MENU, facts: dict[str, Any] | None = None,
        slots: dict[str, Any] | None = None, country: str | None = "BR") -> Context:
    return Context(state=state, locale="en", channel="whatsapp", shop_name="Shop",
                   locales=("en",), slots=slots or {}, facts=facts or {}, country=country,
                   turn=3)


def says(step: Any) -> list[str]:
    return [a.msgid for a in step.actions if isinstance(a, Say)]


# -- reading "add" messages -------------------------------------------------------------


@pytest.mark.parametrize(("text", "quantity", "index", "pronoun", "words"), [
    ("add 2 of those", 2, None, True, ""),
    ("add number 2", None, 2, False, ""),
    ("add 3 x trail tent", 3, None, False, "trail tent"),
    ("i ll take two headlamps", 2, None, False, "headlamps"),
    ("agregame 2 mas", 2, None, False, ""),
    ("quero levar 2 dessas", 2, None, True, ""),
    ("add the green one", None, None, True, "green"),
    ("add it", None, None, True, ""),
])
def test_an_add_message_says_how_many_and_which(text: str, quantity: int | None,
                                                index: int | None, pronoun: bool,
                                                words: str) -> None:
    ask = parse_add(text)
    assert (ask.quantity, ask.index, ask.pronoun, ask.words) == (quantity, index, pronoun, words)


@pytest.mark.parametrize(("payload", "parsed"), [
    ("add:12", (12, None, None)),
    ("add:12:34", (12, 34, None)),
    ("add:12:-:3", (12, None, 3)),
    ("add:12:34:2", (12, 34, 2)),
    ("add:twelve", None),
    ("add:1:2:3:4", None),
    ("remove:5", None),
])
def test_add_payloads_are_read_strictly(payload: str, parsed: Any) -> None:
    assert parse_add_payload(payload) == parsed


# -- the cart ---------------------------------------------------------------------------

TENT = {"found": True, "product_id": 1, "variant_id": None, "title": "Trail Tent",
        "quantity": 1, "in_cart": 0, "stock": 5, "available": 5}


def add(pick: dict[str, Any]) -> Any:
    return run(flows.TABLE, ctx(facts={"pick": pick, "cart": {"lines": []}}),
               Event(Intent.ADD, "add"))


def test_adding_what_is_in_stock_puts_it_in_the_cart() -> None:
    step = add({**TENT, "quantity": 2})
    assert AddToCart(1, None, 2) in step.actions
    assert says(step) == ["Added {quantity} × {title} to your cart."]


def test_asking_for_more_than_is_left_offers_what_is_left_and_adds_nothing() -> None:
    step = add({**TENT, "quantity": 4, "in_cart": 3, "available": 2})
    assert not [a for a in step.actions if isinstance(a, AddToCart)]
    [reply] = [a for a in step.actions if isinstance(a, Say)]
    assert reply.params["n"] == 2
    assert reply.options[0].payload == "add:1:-:2"


def test_a_sold_out_product_is_said_to_be_sold_out() -> None:
    step = add({**TENT, "stock": 0, "available": 0})
    assert says(step) == ["Sorry, {title} is sold out."]


def test_a_product_with_sizes_asks_which_and_hides_the_sold_out_one() -> None:
    variants = [{"id": 7, "label": "S", "stock": 2}, {"id": 8, "label": "M", "stock": 0},
                {"id": 9, "label": "L", "stock": None}]
    step = add({**TENT, "variants": variants, "stock": None, "available": None})
    [reply] = [a for a in step.actions if isinstance(a, Say)]
    assert [(o.label, o.payload) for o in reply.options] == [("S", "add:1:7:1"),
                                                             ("L", "add:1:9:1")]


def test_a_huge_quantity_goes_to_a_person_not_into_the_cart() -> None:
    step = add({**TENT, "quantity": 500, "stock": None, "available": None})
    assert not [a for a in step.actions if isinstance(a, AddToCart)]
    assert step.actions[0].options[0].payload == "human"  # type: ignore[attr-defined]


def test_an_unknown_name_is_repeated_back() -> None:
    step = add({"found": False, "query": "kayak"})
    [reply] = [a for a in step.actions if isinstance(a, Say)]
    assert reply.params == {"query": "kayak"}


def test_removing_a_named_line_removes_it() -> None:
    facts = {"cart": {"lines": [{"item_id": 4, "title": "Tent", "quantity": 1}]},
             "drop": {"found": True, "item_id": 4, "title": "Tent"}}
    step = run(flows.TABLE, ctx(facts=facts), Event(Intent.REMOVE, payload="remove:4"))
    assert RemoveFromCart(4) in step.actions


def test_remove_without_saying_what_lists_the_lines() -> None:
    lines = [{"item_id": 4, "title": "Tent", "quantity": 1},
             {"item_id": 6, "title": "Mug", "quantity": 2}]
    step = run(flows.TABLE, ctx(facts={"cart": {"lines": lines}, "drop": {"found": False}}),
               Event(Intent.REMOVE, payload="remove:"))
    [reply] = [a for a in step.actions if isinstance(a, Say)]
    assert [o.payload for o in reply.options] == ["remove:4", "remove:6"]


# -- checkout ---------------------------------------------------------------------------

QUOTE = {"ships": True, "needs_email": False, "cart_ok": True, "total": "$55.00",
         "country_name": "Brazil", "consented": False}


def go(state: str, event: Event, facts: dict[str, Any], slots: dict[str, Any] | None = None,
       country: str | None = "BR") -> Any:
    return run(flows.TABLE, ctx(state, {"cart": {"lines": [{}]}, "checkout": facts},
                                slots, country), event)


def test_checkout_asks_the_name_first() -> None:
    step = go(MENU, Event(Intent.CHECKOUT, payload="checkout"), {**QUOTE, "known": {}})
    assert step.state == checkout.ASK_NAME


def test_a_returning_shopper_is_asked_only_whether_we_may_message_them() -> None:
    known = {"name": "Ana", "country": "BR", "email": "a@example.com",
             "address": {"country": "BR", "street": "Rua A 1"}}
    step = go(MENU, Event(Intent.CHECKOUT), {**QUOTE, "known": known})
    assert step.state == checkout.ASK_UPDATES


def test_the_phone_country_is_confirmed_and_no_asks_for_another() -> None:
    draft = {checkout.DRAFT: {"name": "Ana"}}
    step = go(checkout.ASK_NAME, Event(Intent.UNKNOWN, "Ana Souza"),
              {**QUOTE, "answer": {"ok": True, "values": {"name": "Ana Souza"}}})
    assert step.state == checkout.CONFIRM_COUNTRY
    step = go(checkout.CONFIRM_COUNTRY, Event(Intent.NO), {**QUOTE, "ships": False}, draft)
    assert step.state == checkout.ASK_COUNTRY
    [slots] = [a for a in step.actions if isinstance(a, SetSlots)]
    assert slots.values[checkout.DRAFT]["country"] is None


def test_a_country_we_do_not_ship_to_is_asked_again() -> None:
    step = go(checkout.ASK_COUNTRY, Event(Intent.UNKNOWN, "Narnia"),
              {**QUOTE, "ships": False, "answer": {"ok": True, "values": {"country": "XX"}}},
              {checkout.DRAFT: {"name": "Ana"}}, country=None)
    assert step.state == checkout.ASK_COUNTRY
    assert says(step)[0].startswith("Sorry, we don't ship there yet")


def test_a_bad_address_says_what_is_missing_and_stays() -> None:
    step = go(checkout.ASK_ADDRESS, Event(Intent.UNKNOWN, "Rua Augusta"),
              {**QUOTE, "answer": {"ok": False, "missing": "postal_code"}},
              {checkout.DRAFT: {"name": "Ana", "country": "BR", "country_ok": True}})
    assert step.state == checkout.ASK_ADDRESS
    assert "postal code" in says(step)[0]


def test_a_valid_address_is_an_answer_even_when_it_reads_like_a_request() -> None:
    # "Help Street" would otherwise be HELP; checkout's EARLY rows take it first.
    step = go(checkout.ASK_ADDRESS, Event(Intent.HELP, "12 Help Street, Springfield, 12345"),
              {**QUOTE, "answer": {"ok": True, "values": {"address": {"country": "BR"}}}},
              {checkout.DRAFT: {"name": "Ana", "country": "BR", "country_ok": True}})
    assert step.state == checkout.ASK_UPDATES


def test_voucher_methods_ask_for_an_email_which_may_be_skipped() -> None:
    draft = {checkout.DRAFT: {"name": "Ana", "country": "BR", "country_ok": True,
                              "address": {"country": "BR"}}}
    step = go(checkout.ASK_ADDRESS, Event(Intent.UNKNOWN, "x"),
              {**QUOTE, "needs_email": True,
               "answer": {"ok": True, "values": {"address": {"country": "BR"}}}}, draft)
    assert step.state == checkout.ASK_EMAIL
    step = go(checkout.ASK_EMAIL, Event(Intent.CHOICE, payload="skip"),
              {**QUOTE, "needs_email": True}, draft)
    assert step.state == checkout.ASK_UPDATES


def test_pay_now_places_the_order_with_the_answers_and_clears_the_draft() -> None:
    draft = {"name": "Ana", "country": "BR", "country_ok": True, "address": {"country": "BR"},
             "email_skipped": True, "email": "old@example.com", "updates": True,
             "reviewed": "$55.00"}
    step = go(checkout.REVIEW, Event(Intent.CHOICE, payload="pay"), QUOTE,
              {checkout.DRAFT: draft})
    assert step.state == MENU
    assert PlaceOrder("Ana", "BR", {"country": "BR"}, None, True) in step.actions
    assert SetSlots({checkout.DRAFT: None}) in step.actions


def test_a_total_that_changed_since_the_review_is_shown_again_before_paying() -> None:
    draft = {"name": "Ana", "country": "BR", "country_ok": True, "address": {"country": "BR"},
             "updates": True, "reviewed": "$30.00"}
    step = go(checkout.REVIEW, Event(Intent.CHOICE, payload="pay"), QUOTE,
              {checkout.DRAFT: draft})
    assert step.state == checkout.REVIEW
    assert not [a for a in step.actions if isinstance(a, PlaceOrder)]


def test_an_empty_cart_cannot_be_checked_out() -> None:
    step = run(flows.TABLE, ctx(facts={"cart": {"lines": []}, "checkout": QUOTE}),
               Event(Intent.CHECKOUT))
    assert step.state == MENU
    assert says(step)[0].startswith("Your cart is empty")


def test_try_again_asks_for_a_new_link_from_any_state() -> None:
    step = run(flows.TABLE, ctx(checkout.ASK_ADDRESS),
               Event(Intent.CHOICE, payload="repay:1042"))
    assert RetryPayment("1042") in step.actions


def test_every_checkout_state_answers_stop_help_and_a_person() -> None:
    for state in checkout.STATES:
        for intent in (Intent.STOP, Intent.HELP, Intent.HUMAN):
            assert run(flows.TABLE, ctx(state), Event(intent)).actions, (state, intent)


def test_a_country_named_instead_of_yes_is_taken() -> None:
    draft = {checkout.DRAFT: {"name": "Ana"}}
    answer = {"ok": True, "values": {"country": "MX", "country_ok": True}}
    step = go(checkout.CONFIRM_COUNTRY, Event(Intent.NO, "no, México"),
              {**QUOTE, "answer": answer}, draft)
    assert step.state == checkout.ASK_ADDRESS
    [slots] = [a for a in step.actions if isinstance(a, SetSlots)]
    assert slots.values[checkout.DRAFT]["country"] == "MX"


def test_an_old_pay_now_button_does_not_place_an_order() -> None:
    step = go(MENU, Event(Intent.CHOICE, payload="pay"), QUOTE)
    assert not [a for a in step.actions if isinstance(a, PlaceOrder)]
    assert says(step)[0].startswith("That button belongs to an order review that is closed")
