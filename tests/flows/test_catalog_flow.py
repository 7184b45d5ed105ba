"""The catalog flow as a table: facts and events in, the next state and what is said out.

No server, no database: the facts are what bot/catalog/facts.py would have found.
"""

from __future__ import annotations

from typing import Any

import pytest

import flows
from flows import catalog
from flows.catalog_facts import ANSWER, GONE, PAGE, PRODUCT, Answer, Card, Listing, Page
from flows.catalog_facts import VariantOption as V
from flows.consent import STOPPED
from flows.handoff import OFFER_HUMAN, WAITING_HUMAN
from flows.machine import Step, check, run
from flows.menu import MENU
from flows.types import Context, Event, Intent, Miss, RequestAgent, Say, SetSlots

JACKET = Listing(1, "Storm Jacket", "$89.00", True)
KIDS = Listing(2, "Kids Jacket", "$39.00", False, variant_id=7)
PAGE1 = Page("waterproof jacket", (JACKET, KIDS), total=7, page=0, first=1,
             shown="waterproof jacket")
CARD = Card(1, "Storm Jacket", "$89.00", True, "A shell.", "https://cdn.example/j.jpg",
            "Sizes: M, L.", variants=(V(10, "M", True), V(11, "L", False)))


def turn(intent: Intent, *, state: str = MENU, facts: dict[str, Any] | None = None,
         slots: dict[str, Any] | None = None, payload: str | None = None, text: str = "",
         misses: int = 0) -> Step:
    ctx = Context(state=state, locale="en", channel="whatsapp", shop_name="Shop",
                  locales=("en", "es", "pt_BR"), slots=slots or {}, facts=facts or {},
                  misses=misses, turn=3)
    return run(flows.TABLE, ctx, Event(intent, text, payload))


def said(step: Step) -> list[Say]:
    return [a for a in step.actions if isinstance(a, Say)]


def slots(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for action in step.actions:
        if isinstance(action, SetSlots):
            out.update(action.values)
    return out


def test_the_whole_table_is_sound_with_the_catalog_in_it() -> None:
    check(flows.TABLE, flows.STATES, flows.START)


@pytest.mark.parametrize("state", catalog.STATES)
@pytest.mark.parametrize(("intent", "lands"), [(Intent.HUMAN, WAITING_HUMAN),
                                               (Intent.STOP, STOPPED), (Intent.HELP, None)])
def test_every_catalog_state_answers_stop_help_and_a_person(state: str, intent: Intent,
                                                            lands: str | None) -> None:
    step = turn(intent, state=state, facts={PAGE: PAGE1})
    assert said(step)
    assert step.state == (lands or state)


def test_a_search_that_finds_products_lists_them_with_prices_and_more() -> None:
    step = turn(Intent.BROWSE, facts={PAGE: PAGE1}, text="waterproof jacket")
    assert step.state == catalog.RESULTS
    [say] = said(step)
    assert say.params["first"] == 1 and say.params["last"] == 2 and say.params["total"] == 7
    assert [(c.payload, c.params.get("price")) for c in say.options] == [
        ("product:1", "$89.00"), ("product:2:7", "$39.00"), ("more", None)]
    assert "out of stock" in say.options[1].label and "out of stock" not in say.options[0].label
    assert slots(step) == {"results": [1, 2], "query": "waterproof jacket", "page": 0,
                           "product": None}


def test_a_price_limit_is_said_back_to_the_shopper() -> None:
    limited = Page("jacket under 100", (JACKET,), 1, 0, 1, price_max="$100.00")
    [say] = said(turn(Intent.BROWSE, facts={PAGE: limited}))
    assert "up to {max}" in say.msgid and say.params["max"] == "$100.00"
    assert not any(c.payload == "more" for c in say.options)


def test_browse_without_words_asks_what_they_look_for() -> None:
    step = turn(Intent.BROWSE, payload="shop")
    assert step.state == catalog.ASK_QUERY
    assert "What are you looking for?" in said(step)[0].msgid


def test_a_search_that_finds_nothing_says_so_and_a_second_miss_offers_a_person() -> None:
    empty = Page("unicorn", (), 0, 0, 1, shown="unicorn")
    first = turn(Intent.BROWSE, facts={PAGE: empty})
    assert first.state == catalog.ASK_QUERY and said(first)[0].params == {"query": "unicorn"}
    again = turn(Intent.UNKNOWN, state=catalog.ASK_QUERY, facts={PAGE: empty})
    assert any(isinstance(a, Miss) for a in again.actions)
    assert turn(Intent.UNKNOWN, state=catalog.ASK_QUERY, facts={PAGE: empty},
                misses=1).state == OFFER_HUMAN


def test_more_shows_the_next_page_or_says_that_was_all() -> None:
    page2 = Page("waterproof jacket", (JACKET,), 7, 1, 6)
    step = turn(Intent.MORE, state=catalog.RESULTS, facts={PAGE: page2})
    assert said(step)[0].params["first"] == 6 and slots(step)["page"] == 1
    done = turn(Intent.MORE, state=catalog.RESULTS, slots={"query": "waterproof jacket?"})
    assert done.state == catalog.RESULTS
    assert said(done)[0].params == {"query": "waterproof jacket"}
    assert turn(Intent.MORE).state == catalog.ASK_QUERY  # nothing searched yet


def test_words_in_the_catalog_are_a_new_search_but_elsewhere_only_a_sure_one() -> None:
    assert turn(Intent.UNKNOWN, state=catalog.PRODUCT_SHOWN,
                facts={PAGE: PAGE1}).state == catalog.RESULTS
    assert turn(Intent.UNKNOWN, facts={PAGE: PAGE1}).state != catalog.RESULTS
    sure = Page("rain jacket", (JACKET,), 1, 0, 1, confident=True)
    assert turn(Intent.UNKNOWN, facts={PAGE: sure}).state == catalog.RESULTS


def test_choosing_a_product_shows_it_with_its_image_and_what_can_be_added() -> None:
    step = turn(Intent.CHOICE, state=catalog.RESULTS, payload="product:1",
                facts={PRODUCT: CARD}, slots={"results": [1, 2]})
    assert step.state == catalog.PRODUCT_SHOWN
    [say] = said(step)
    assert say.image_url == "https://cdn.example/j.jpg"
    assert say.params["details"] == "A shell.\n\nSizes: M, L."
    assert "in stock" in say.msgid
    assert [c.payload for c in say.options] == ["add:1:10", "results", "cart"]
    assert slots(step) == {"product": 1}


def test_the_variant_the_shopper_asked_for_is_the_one_offered() -> None:
    chosen = Card(1, "Shoes", "$95.00", True, variants=tuple(V(i, str(i), True)
                                                             for i in range(10, 20)), chosen=12)
    [say] = said(turn(Intent.CHOICE, payload="product:1:12", facts={PRODUCT: chosen}))
    assert [c.payload for c in say.options] == ["add:1:12", "cart"]
    many = Card(1, "Shoes", "$95.00", True, variants=chosen.variants)
    [say] = said(turn(Intent.CHOICE, payload="product:1", facts={PRODUCT: many}))
    assert [c.payload for c in say.options] == ["add:1", "cart"]  # the cart asks which


def test_an_out_of_stock_product_cannot_be_added() -> None:
    gone_card = Card(1, "Tent", "$299.00", False)
    [say] = said(turn(Intent.CHOICE, payload="product:1", facts={PRODUCT: gone_card}))
    assert "out of stock" in say.msgid
    assert [c.payload for c in say.options] == ["cart"]


def test_a_product_no_longer_sold_is_said_so() -> None:
    step = turn(Intent.CHOICE, state=catalog.RESULTS, payload="product:9", facts={GONE: True})
    assert step.state == catalog.RESULTS
    assert "no longer available" in said(step)[0].msgid


def test_an_answer_is_said_and_the_conversation_stays_put() -> None:
    answer = Answer("attribute_yes", {"title": "Storm Jacket", "attribute": "waterproof"}, 1)
    step = turn(Intent.ASK, state=catalog.PRODUCT_SHOWN, facts={ANSWER: answer})
    assert step.state == catalog.PRODUCT_SHOWN
    [say] = said(step)
    assert say.msgid == catalog.ANSWERS["attribute_yes"]
    assert say.params == {"title": "Storm Jacket", "attribute": "waterproof"}


def test_an_answer_souk_does_not_know_offers_a_person_and_yes_asks_for_one() -> None:
    unknown = Answer("unknown", {"title": "Storm Jacket"}, 1, known=False)
    step = turn(Intent.ASK, state=catalog.PRODUCT_SHOWN, facts={ANSWER: unknown})
    assert step.state == OFFER_HUMAN
    assert [c.payload for c in said(step)[0].options] == ["human", "menu"]
    yes = turn(Intent.YES, state=OFFER_HUMAN)
    assert yes.state == WAITING_HUMAN
    assert any(isinstance(a, RequestAgent) for a in yes.actions)

