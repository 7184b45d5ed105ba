"""Browsing the catalog: search, results a page at a time, a product, questions about it.

    "do you have a waterproof jacket under 100?"  → RESULTS: a numbered list with prices
    "2" (or the button)                            → PRODUCT: the product, with "Add to cart"
    "is it waterproof?" / "what sizes?"            → the answer, from the catalog
    "more"                                         → the next page
    "do you ship to Mexico?" / "can I return it?"  → the answer, from the shop's policies

The facts (flows/catalog_facts.py) are looked up before the table runs; the table
only chooses the words. An answer souk does not know is never guessed: the shopper
is told so and offered a person.

Payloads: "product:<id>[:<variant id>]" shows a product, "more" the next page,
"results" the current page again; "add:<product id>[:<variant id>]", "cart" and
"checkout" belong to the cart and checkout flow.
"""

from __future__ import annotations

from collections.abc import Iterable

from flows.catalog_facts import ANSWER, GONE, PAGE, PRODUCT, Answer, Card, Page
from flows.handoff import OFFER, OFFER_HUMAN
from flows.machine import ANY, SAME, T, do, say
from flows.types import N_, Action, Choice, Context, Event, Intent, Miss, Say, SetSlots

ASK_QUERY = "catalog_ask"
RESULTS = "catalog_results"
PRODUCT_SHOWN = "catalog_product"
STATES = (ASK_QUERY, RESULTS, PRODUCT_SHOWN)

MORE = Choice(N_("More results"), "more")
BACK = Choice(N_("Back to the results"), "results")
CART = Choice(N_("View cart"), "cart")
MAX_VARIANT_BUTTONS = 6

# The message for each kind of answer (bot/catalog/answers.py names the kind).
ANSWERS = {
    "attribute_yes": N_("Yes, {title} is {attribute}."),
    "attribute_no": N_("No, {title} is not {attribute}."),
    "attribute_value": N_("{title}: {attribute}: {value}."),
    "material": N_("{title} is made of {value}."),
    "sizes": N_("{title} comes in these sizes: {values}. In stock now: {available}."),
    "sizes_none_left": N_("{title} comes in these sizes: {values}, but none is in stock "
                          "right now."),
    "size_yes": N_("Yes, {title} is in stock in size {value}."),
    "size_out": N_("{title} comes in size {value}, but it is out of stock right now."),
    "size_no": N_("Sorry, {title} does not come in size {value}. Sizes: {values}."),
    "colors": N_("{title} comes in these colors: {values}. In stock now: {available}."),
    "colors_none_left": N_("{title} comes in these colors: {values}, but none is in stock "
                           "right now."),
    "color_yes": N_("Yes, {title} is in stock in {value}."),
    "color_out": N_("{title} comes in {value}, but it is out of stock right now."),
    "color_no": N_("Sorry, {title} does not come in {value}. Colors: {values}."),
    "price": N_("{title} costs {price}."),
    "in_stock": N_("Yes, {title} is in stock."),
    "out_of_stock": N_("Sorry, {title} is out of stock right now."),
    "faq": N_("{title}: {answer}"),
    "ship_yes": N_("Yes, we ship to {country}: shipping costs {fee} and takes {days} "
                   "business days."),
    "ship_yes_free": N_("Yes, we ship to {country}: shipping costs {fee} and takes {days} "
                        "business days. Orders over {free_over} ship free."),
    "ship_no": N_("Sorry, we don't ship to {country} yet. We ship to: {countries}."),
    "ship_list": N_("We ship to: {countries}. {policy}"),
    "delivery_time": N_("Delivery to {country} takes {days} business days after your order "
                        "ships. {policy}"),
    "returns": N_("Returns: {policy}"),
    "payment": N_("In {country} you can pay by {methods}. {policy}"),
    "payment_any": N_("How to pay: {policy}"),
    "which_product": N_("Which product do you mean? Choose one or tell me what you're "
                        "looking for."),
    "unknown": N_("I don't know that about {title}, and I'd rather not guess. Would you "
                  "like a person to answer?"),
    "unknown_shop": N_("I don't know the answer to that, and I'd rather not guess. Would "
                       "you like a person to answer?"),
}


# -- guards ----------------------------------------------------------------------------


def _page(ctx: Context) -> Page | None:
    page = ctx.facts.get(PAGE)
    return page if isinstance(page, Page) else None


def found(ctx: Context, event: Event) -> bool:
    """A search ran and found products."""
    page = _page(ctx)
    return page is not None and bool(page.items)


def found_nothing(ctx: Context, event: Event) -> bool:
    """A search ran and found nothing."""
    page = _page(ctx)
    return page is not None and not page.items


def found_here(ctx: Context, event: Event) -> bool:
    """Words in a catalog state found products: a new or narrower search."""
    return ctx.state in STATES and found(ctx, event)


def found_surely(ctx: Context, event: Event) -> bool:
    """Words anywhere else found products matching all of them ("waterproof jacket")."""
    page = _page(ctx)
    return page is not None and page.confident and bool(page.items)


def showing(ctx: Context, event: Event) -> bool:
    """A product the shopper chose was found."""
    return isinstance(ctx.facts.get(PRODUCT), Card)


def gone(ctx: Context, event: Event) -> bool:
    """The product the shopper chose is no longer sold."""
    return bool(ctx.facts.get(GONE))


def answered(ctx: Context, event: Event) -> bool:
    """A question about a product or the shop got an answer."""
    answer = ctx.facts.get(ANSWER)
    return isinstance(answer, Answer) and answer.known


def not_known(ctx: Context, event: Event) -> bool:
    """A question was recognised but souk does not know the answer."""
    answer = ctx.facts.get(ANSWER)
    return isinstance(answer, Answer) and not answer.known


def searched_before(ctx: Context, event: Event) -> bool:
    """The shopper searched for something in this conversation."""
    return bool(ctx.slots.get("query"))


def missed_before(ctx: Context, event: Event) -> bool:
    """The last message was not understood either."""
    return ctx.misses >= 1


# -- effects ---------------------------------------------------------------------------


def show_results(ctx: Context, event: Event) -> Iterable[Action]:
    """A numbered page of products with their prices, and "More results" if there are more."""
    page = _page(ctx)
    assert page is not None
    params = {"first": page.first, "last": page.last, "total": page.total,
              "min": page.price_min, "max": page.price_max}
    if page.first == 1 and not page.more:
        # Everything fits on one page: counting it would only add noise.
        if page.price_min and page.price_max:
            msgid = N_("Here's what I found between {min} and {max}:")
        elif page.price_max:
            msgid = N_("Here's what I found up to {max}:")
        elif page.price_min:
            msgid = N_("Here's what I found from {min}:")
        else:
            msgid = N_("Here's what I found:")
    elif page.price_min and page.price_max:
        msgid = N_("Here's what I found between {min} and {max} ({first}-{last} of {total}):")
    elif page.price_max:
        msgid = N_("Here's what I found up to {max} ({first}-{last} of {total}):")
    elif page.price_min:
        msgid = N_("Here's what I found from {min} ({first}-{last} of {total}):")
    else:
        msgid = N_("Here's what I found ({first}-{last} of {total}):")
    choices = [
        Choice(N_("{title} - {price}") if item.in_stock
               else N_("{title} - {price} (out of stock)"),
               item.payload, {"title": item.title, "price": item.price})
        for item in page.items
    ]
    if page.more:
        choices.append(MORE)
    yield SetSlots({"results": [item.id for item in page.items], "query": page.query,
                    "page": page.page, "product": None})
    yield Say(msgid, params, tuple(choices))


def nothing_found(ctx: Context, event: Event) -> Iterable[Action]:
    """Say the search found nothing, quoting the shopper's words."""
    page = _page(ctx)
    yield SetSlots({"query": page.query if page else "", "page": 0, "results": []})
    yield Say(N_("Sorry, I couldn't find anything for \"{query}\". Try other words, "
                 "or write MENU to go back."), {"query": page.shown if page else ""})


def ask_what(ctx: Context, event: Event) -> Iterable[Action]:
    """Ask what the shopper looks for, with an example of how to say it."""
    yield Say(N_("What are you looking for? Tell me in your own words, for example "
                 "\"waterproof jacket under 100\"."))


def no_more(ctx: Context, event: Event) -> Iterable[Action]:
    """Say the last page was the last."""
    yield Say(N_("That's everything I found for \"{query}\". Try other words, or write "
                 "MENU to go back."), {"query": str(ctx.slots.get("query", "")).strip(" ?¿!¡.")})


def show_product(ctx: Context, event: Event) -> Iterable[Action]:
    """The product: title, price, stock, description, variants, image, and what to do next."""
    card = ctx.facts[PRODUCT]
    assert isinstance(card, Card)
    details = "\n\n".join(p for p in (card.description, card.options_line) if p)
    params = {"title": card.title, "price": card.price, "details": details}
    if card.in_stock:
        msgid = (N_("*{title}*\n{price} - in stock\n\n{details}") if details
                 else N_("*{title}*\n{price} - in stock"))
    else:
        msgid = (N_("*{title}*\n{price} - out of stock\n\n{details}") if details
                 else N_("*{title}*\n{price} - out of stock"))
    yield SetSlots({"product": card.id})
    yield Say(msgid, params, _product_choices(ctx, card), image_url=card.image_url)


def _product_choices(ctx: Context, card: Card) -> tuple[Choice, ...]:
    choices: list[Choice] = []
    stocked = [v for v in card.variants if v.in_stock]
    chosen = next((v for v in stocked if v.id == card.chosen), None)
    if chosen is not None:
        # The variant the shopper asked for ("red, size 42") is the one to offer.
        choices.append(Choice(N_("Add {variant}"), f"add:{card.id}:{chosen.id}",
                              {"variant": chosen.label}))
    elif card.variants and len(stocked) <= MAX_VARIANT_BUTTONS:
        choices += [Choice(N_("Add {variant}"), f"add:{card.id}:{v.id}", {"variant": v.label})
                    for v in stocked]
    elif card.in_stock:
        # Too many variants for buttons: the cart asks which one.
        choices.append(Choice(N_("Add to cart"), f"add:{card.id}"))
    if ctx.slots.get("results"):
        choices.append(BACK)
    choices.append(CART)
    return tuple(choices)


def answer(ctx: Context, event: Event) -> Iterable[Action]:
    """Say the answer the facts hold, in the words of ANSWERS."""
    found_answer = ctx.facts[ANSWER]
    assert isinstance(found_answer, Answer)
    choices: tuple[Choice, ...] = ()
    page = _page(ctx)
    if not found_answer.known:
        choices = OFFER
    elif found_answer.topic == "which_product" and page is not None:
        choices = tuple(Choice(N_("{title} - {price}"), i.payload,
                               {"title": i.title, "price": i.price}) for i in page.items)
    if found_answer.product_id is not None:
        yield SetSlots({"product": found_answer.product_id})
    yield Say(ANSWERS[found_answer.topic], dict(found_answer.params), choices)


# Before the menu's rows: a first message the menu cannot read but the catalog can
# ("waterproof jacket") is answered with the products, not with a welcome.
FIRST = (
    T(ANY,           Intent.UNKNOWN, found_surely,   RESULTS,       show_results),
)

TABLE = (
    # state          on              guard           next           effects
    # Questions first: "do you have it in red?" is a question once a product is shown.
    T(ANY,           ANY,            not_known,      OFFER_HUMAN,   answer),
    T(ANY,           ANY,            answered,       SAME,          answer),
    T(ANY,           Intent.BROWSE,  found,          RESULTS,       show_results),
    T(ANY,           Intent.BROWSE,  found_nothing,  ASK_QUERY,     nothing_found),
    T(ANY,           Intent.BROWSE,  None,           ASK_QUERY,     ask_what),
    T(ANY,           Intent.MORE,    found,          RESULTS,       show_results),
    T(ANY,           Intent.MORE,    searched_before, SAME,         no_more),
    T(ANY,           Intent.MORE,    None,           ASK_QUERY,     ask_what),
    T(ANY,           Intent.CHOICE,  showing,        PRODUCT_SHOWN, show_product),
    T(ANY,           Intent.CHOICE,  gone,           SAME,
      say(N_("Sorry, that product is no longer available."))),
    T(ANY,           Intent.CHOICE,  found,          RESULTS,       show_results),
    # Words in the catalog are a new search; elsewhere only when they all match.
    T(ANY,           Intent.UNKNOWN, found_here,     RESULTS,       show_results),
    T(ASK_QUERY,     Intent.UNKNOWN, missed_before,  OFFER_HUMAN,   do(Miss()),
      say(N_("I still can't find that. Would you like a person to help you?"), *OFFER)),
    T(ASK_QUERY,     Intent.UNKNOWN, None,           SAME,          do(Miss()), nothing_found),
)
