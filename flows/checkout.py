"""Checkout: ask only for what is missing, show the total, then place the order.

    CHECKOUT ─► name ─► country (the phone's, confirmed) ─► shipping address ─►
    email (only for voucher methods: boleto, OXXO) ─► "may we message you about this
    order?" ─► review: lines, shipping, total ─► Pay now ─► PlaceOrder

Every answer goes into the `checkout` slot (the draft) and the next missing step is
asked; steps already known are skipped (a returning shopper's name, country, address
and email come from their last order). Facts come from bot/shopping/facts.py as
`ctx.facts["checkout"]`: what is known, the current answer already parsed and
validated (a country name, an address with its postal code), the quote for the
draft's country and the texts to show. The order and its payment link are made by
the PlaceOrder handler and a job (bot/shopping/orders.py, workers/payments.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.checkout_steps import (
    ASK_ADDRESS,
    ASK_COUNTRY,
    ASK_EMAIL,
    ASK_NAME,
    ASK_UPDATES,
    CONFIRM_COUNTRY,
    DRAFT,
    FREE_TEXT_STATES,
    REVIEW,
    REVIEW_OPTIONS,
    STEPS,
    YES_NO,
    ask,
    draft,
    facts_of,
    merge_draft,
    next_step,
)
from flows.machine import ANY, SAME, Effect, Guard, T, say
from flows.menu import MENU
from flows.types import N_, Action, Choice, Context, Event, Intent, Say, SetSlots


@dataclass(frozen=True, slots=True)
class PlaceOrder(Action):
    """Turn the cart into an order for these details and open its payment link."""

    name: str
    country: str
    address: Mapping[str, Any] = field(default_factory=dict)
    email: str | None = None
    updates: bool | None = None  # may we message about this order; None: agreed before


@dataclass(frozen=True, slots=True)
class RetryPayment(Action):
    """Send a new payment link for an unpaid order of this shopper."""

    order_number: str


# -- guards -----------------------------------------------------------------------------


def cart_ready(ctx: Context, event: Event) -> bool:
    """The cart has lines and nothing in it blocks paying."""
    return bool(facts_of(ctx).get("cart_ok"))


def cart_empty(ctx: Context, event: Event) -> bool:
    """The cart has no lines."""
    return not (ctx.facts.get("cart") or {}).get("lines")


def cart_unready(ctx: Context, event: Event) -> bool:
    """Something in the cart blocks paying (or it is empty)."""
    return not cart_ready(ctx, event)


def answered(ctx: Context, event: Event) -> bool:
    """This message is a valid answer to the step being asked."""
    return bool((facts_of(ctx).get("answer") or {}).get("ok"))


def payload_is(payload: str) -> Guard:
    """A guard: the shopper tapped the button with this payload."""

    def guard(ctx: Context, event: Event) -> bool:
        return event.payload == payload

    return guard


def wants_to_pay(ctx: Context, event: Event) -> bool:
    """Pay now, yes, or the words for checkout."""
    return event.payload == "pay" or event.intent in (Intent.YES, Intent.CHECKOUT)


def total_changed(ctx: Context, event: Event) -> bool:
    """The total is not the one the shopper last reviewed."""
    reviewed = (ctx.slots.get(DRAFT) or {}).get("reviewed")
    return reviewed != facts_of(ctx).get("total")


def stale_pay(ctx: Context, event: Event) -> bool:
    """Pay now, tapped anywhere but on the review."""
    return event.payload == "pay" and ctx.state != REVIEW


def repay(ctx: Context, event: Event) -> bool:
    """A Try again / New payment link button."""
    return (event.payload or "").startswith("repay:")


def _all(*guards: Guard | None) -> Guard:
    def guard(ctx: Context, event: Event) -> bool:
        return all(g(ctx, event) for g in guards if g is not None)

    return guard


def _next_is(step: str) -> Guard:
    def guard(ctx: Context, event: Event) -> bool:
        return next_step(ctx, event) == step

    return guard


# -- effects


def save(ctx: Context, event: Event) -> Iterable[Action]:
    """Keep the draft, noting the total when the review is next."""
    d = draft(ctx, event)
    if next_step(ctx, event) == REVIEW:
        d["reviewed"] = facts_of(ctx).get("total")  # what the shopper is about to agree to
    yield SetSlots({DRAFT: d})


def proceed(state: str, on: Intent | str, guard: Guard | None, *effects: Effect) -> tuple[T, ...]:
    """Rows that take this answer into the draft and ask for the next missing step."""
    return tuple(
        T(state, on, _all(guard, _next_is(step)), step, *effects, save, ask(step))
        for step in STEPS
    )


def place_order(ctx: Context, event: Event) -> Iterable[Action]:
    """Ask for the order with the draft's details, and forget the draft."""
    d = draft(ctx, event)
    yield PlaceOrder(
        name=str(d["name"]),
        country=str(d["country"]),
        address=dict(d["address"]),
        email=None if d.get("email_skipped") else d.get("email"),
        updates=d.get("updates"),
    )
    yield SetSlots({DRAFT: None})


def retry_payment(ctx: Context, event: Event) -> Iterable[Action]:
    """Ask for a new link for the order on the button."""
    yield RetryPayment(str(event.payload).removeprefix("repay:"))


def explain_address(ctx: Context, event: Event) -> Iterable[Action]:
    """Say what the address lacks, with an example from its country."""
    facts = facts_of(ctx)
    missing = (facts.get("answer") or {}).get("missing")
    params = {"example": facts.get("example")}
    if missing == "postal_code":
        yield Say(N_("I couldn't find a valid postal code in that address. Please write it "
                     "again with the postal code, like this:\n{example}"), params)
    elif missing == "city":
        yield Say(N_("Which city is that in? Please write the whole address with commas "
                     "between the parts, like this:\n{example}"), params)
    else:
        yield Say(N_("I need the street and the house number too. Please write the whole "
                     "address, like this:\n{example}"), params)


def refuse_empty_cart(ctx: Context, event: Event) -> Iterable[Action]:
    """Nothing to pay for: offer the shop."""
    yield Say(N_("Your cart is empty, so there's nothing to pay for yet. What are you looking "
                 "for?"), {}, (Choice(N_("Shop"), "shop"),))


def refuse_problems(ctx: Context, event: Event) -> Iterable[Action]:
    """Say what in the cart blocks paying."""
    yield Say(N_("Before you pay: {problems}"), {"problems": facts_of(ctx).get("problems")},
              (Choice(N_("View cart"), "cart"),))


# Rows that must come before HELP, a person and language requests: a valid address
# or email is an answer even when it contains "Help Street" or "Calle Inglés".
EARLY = (
    *proceed(ASK_ADDRESS, ANY, answered),
    *proceed(ASK_EMAIL, ANY, answered),
)

TABLE = (
    # state            on               guard                           next    effects
    T(ANY,             ANY,             repay,                          SAME,   retry_payment),
    # A Pay now button of a review that is over (an order placed, a new checkout).
    T(ANY,             ANY,             stale_pay,                      SAME,
      say(N_("That button belongs to an order review that is closed. Write CHECKOUT to pay "
             "for what is in your cart."), Choice(N_("View cart"), "cart"))),
    T(ANY,             Intent.CHECKOUT, cart_empty,                     SAME,   refuse_empty_cart),
    T(REVIEW,          ANY,             _all(wants_to_pay, cart_empty), SAME,   refuse_empty_cart),
    T(ANY,             Intent.CHECKOUT, cart_unready,                   SAME,   refuse_problems),
    T(REVIEW,          ANY,             _all(wants_to_pay, cart_unready), SAME, refuse_problems),
    T(REVIEW,          ANY,             _all(wants_to_pay, total_changed), REVIEW,
      say(N_("Your cart changed, so here is the order again.")), save, ask(REVIEW)),
    T(REVIEW,          ANY,             wants_to_pay,                   MENU,   place_order),
    *proceed(ANY,      Intent.CHECKOUT, None),
    *proceed(REVIEW,   ANY,             payload_is("checkout:change")),
    *proceed(ASK_NAME, ANY,             answered),
    T(ASK_NAME,        ANY,             None,                      SAME,
      say(N_("Please write the full name for the delivery, like “Ana Souza”."))),
    *proceed(ASK_COUNTRY, ANY,          answered),
    T(ASK_COUNTRY,     ANY,             None,                      SAME,
      say(N_("Sorry, I don't know that country. Please choose one from the list or write its "
             "name."))),
    *proceed(CONFIRM_COUNTRY, ANY,        answered),
    *proceed(CONFIRM_COUNTRY, Intent.YES, None),
    *proceed(CONFIRM_COUNTRY, Intent.NO,  None),
    T(CONFIRM_COUNTRY, ANY,             None,                      SAME,
      say(N_("Please answer yes, or choose Another country."),
          Choice(N_("Yes"), "yes"), Choice(N_("Another country"), "no"))),
    T(ASK_ADDRESS,     ANY,             None,                      SAME,   explain_address),
    *proceed(ASK_EMAIL, ANY,            payload_is("skip")),
    T(ASK_EMAIL,       ANY,             None,                      SAME,
      say(N_("That doesn't look like an email address. Please write it like "
             "name@example.com, or choose Skip."), Choice(N_("Skip"), "skip"))),
    *proceed(ASK_UPDATES, Intent.YES,   None),
    *proceed(ASK_UPDATES, Intent.NO,    None),
    T(ASK_UPDATES,     ANY,             None,                      SAME,
      say(N_("Please answer yes or no: can we message you here about this order?"), *YES_NO)),
    T(REVIEW,          ANY,             None,                      SAME,
      say(N_("Choose Pay now to get your payment link, or Change details."),
          *REVIEW_OPTIONS)),
)

STATES = STEPS

__all__ = [
    "ASK_ADDRESS", "ASK_COUNTRY", "ASK_EMAIL", "ASK_NAME", "ASK_UPDATES", "CONFIRM_COUNTRY",
    "DRAFT", "EARLY", "FREE_TEXT_STATES", "REVIEW", "STATES", "STEPS", "TABLE", "PlaceOrder",
    "RetryPayment", "merge_draft", "next_step",
]
