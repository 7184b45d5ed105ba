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

from flows.machine import ANY, SAME, Effect, Guard, T, say
from flows.menu import MENU
from flows.types import N_, Action, Choice, Context, Event, Intent, Say, SetSlots

ASK_NAME = "checkout_name"
ASK_COUNTRY = "checkout_country"
CONFIRM_COUNTRY = "checkout_confirm_country"
ASK_ADDRESS = "checkout_address"
ASK_EMAIL = "checkout_email"
ASK_UPDATES = "checkout_updates"
REVIEW = "checkout_review"
STEPS = (ASK_NAME, ASK_COUNTRY, CONFIRM_COUNTRY, ASK_ADDRESS, ASK_EMAIL, ASK_UPDATES, REVIEW)
# Answers here are data (a name, an address), never a sign of the shopper's language.
FREE_TEXT_STATES = (ASK_NAME, ASK_COUNTRY, ASK_ADDRESS, ASK_EMAIL)
DRAFT = "checkout"  # the slot holding the answers so far


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


# -- the draft --------------------------------------------------------------------------


def merge_draft(state: str, event: Event, slot: Mapping[str, Any] | None,
                known: Mapping[str, Any], answer: Mapping[str, Any],
                suggested: str | None) -> dict[str, Any]:
    """The checkout details after this message: known ones, saved ones, then this answer.

    Pure, and shared with the fact provider, which needs the draft's country to quote.
    """
    slot = dict(slot or {})
    if state == REVIEW and event.payload == "checkout:change":
        slot = {"fresh": True}  # every detail is asked again, none taken from the last order
    draft: dict[str, Any] = {}
    if not slot.get("fresh"):
        draft.update({k: v for k, v in known.items() if v})
        if draft.get("country"):
            draft["country_ok"] = True  # the shopper gave it on an earlier order
    draft.update(slot)
    if answer.get("ok"):
        draft.update(answer.get("values") or {})
    if state == CONFIRM_COUNTRY and event.intent is Intent.YES:
        draft["country_ok"] = True
    elif state == CONFIRM_COUNTRY and event.intent is Intent.NO:
        draft.update(declined=draft.get("country"), country=None, country_ok=False)
    elif state == ASK_EMAIL and event.payload == "skip":
        draft["email_skipped"] = True
    elif state == ASK_UPDATES and event.intent in (Intent.YES, Intent.NO):
        draft["updates"] = event.intent is Intent.YES
    if not draft.get("country") and suggested and suggested != draft.get("declined"):
        draft.update(country=suggested, country_ok=False)
    return draft


def _facts(ctx: Context) -> Mapping[str, Any]:
    return ctx.facts.get("checkout") or {}


def draft(ctx: Context, event: Event) -> dict[str, Any]:
    """The draft after this message, with a country we do not ship to set aside."""
    facts = _facts(ctx)
    merged = merge_draft(ctx.state, event, ctx.slots.get(DRAFT), facts.get("known") or {},
                         facts.get("answer") or {}, ctx.country)
    if merged.get("country") and not facts.get("ships"):
        merged.update(no_ship=merged["country"], declined=merged["country"], country=None,
                      country_ok=False)
    return merged


def next_step(ctx: Context, event: Event) -> str:
    """The first step whose answer is still missing."""
    d, facts = draft(ctx, event), _facts(ctx)
    address = d.get("address") or {}
    if not d.get("name"):
        return ASK_NAME
    if not d.get("country"):
        return ASK_COUNTRY
    if not d.get("country_ok"):
        return CONFIRM_COUNTRY
    if address.get("country") != d["country"]:
        return ASK_ADDRESS
    if facts.get("needs_email") and not d.get("email") and not d.get("email_skipped"):
        return ASK_EMAIL
    if d.get("updates") is None and not facts.get("consented"):
        return ASK_UPDATES
    return REVIEW


# -- guards -----------------------------------------------------------------------------


def cart_ready(ctx: Context, event: Event) -> bool:
    """The cart has lines and nothing in it blocks paying."""
    return bool(_facts(ctx).get("cart_ok"))


def cart_empty(ctx: Context, event: Event) -> bool:
    """The cart has no lines."""
    return not (ctx.facts.get("cart") or {}).get("lines")


def cart_unready(ctx: Context, event: Event) -> bool:
    """Something in the cart blocks paying (or it is empty)."""
    return not cart_ready(ctx, event)


def answered(ctx: Context, event: Event) -> bool:
    """This message is a valid answer to the step being asked."""
    return bool((_facts(ctx).get("answer") or {}).get("ok"))


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
    return reviewed != _facts(ctx).get("total")


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


# -- effects ----------------------------------------------------------------------------

YES_NO = (Choice(N_("Yes"), "yes"), Choice(N_("No"), "no"))
REVIEW_OPTIONS = (
    Choice(N_("Pay now"), "pay"),
    Choice(N_("Change details"), "checkout:change"),
    Choice(N_("View cart"), "cart"),
)


def save(ctx: Context, event: Event) -> Iterable[Action]:
    """Keep the draft, noting the total when the review is next."""
    d = draft(ctx, event)
    if next_step(ctx, event) == REVIEW:
        d["reviewed"] = _facts(ctx).get("total")  # what the shopper is about to agree to
    yield SetSlots({DRAFT: d})


def _countries(ctx: Context) -> tuple[Choice, ...]:
    names: Mapping[str, str] = _facts(ctx).get("shipping_countries") or {}
    return tuple(Choice(name, f"country:{code}", translate=False) for code, name in names.items())


def ask(step: str) -> Effect:
    """The question for `step`, about the draft as it stands after this message."""

    def effect(ctx: Context, event: Event) -> Iterable[Action]:
        d, facts = draft(ctx, event), _facts(ctx)
        if step == ASK_NAME:
            yield Say(N_("Who should we ship the order to? Please write the full name."))
        elif step == ASK_COUNTRY and d.get("no_ship"):
            yield Say(N_("Sorry, we don't ship there yet ({country}). Which country should we "
                         "ship to?"), {"country": facts.get("country_name")}, _countries(ctx))
        elif step == ASK_COUNTRY:
            yield Say(N_("Which country should we ship to?"), {}, _countries(ctx))
        elif step == CONFIRM_COUNTRY:
            yield Say(N_("Shipping country: {country}. Is that right?"),
                      {"country": facts.get("country_name")},
                      (Choice(N_("Yes"), "yes"), Choice(N_("Another country"), "no")))
        elif step == ASK_ADDRESS:
            yield Say(N_("What's the shipping address? Write the street and number, the city "
                         "and the postal code, like this:\n{example}"),
                      {"example": facts.get("example")})
        elif step == ASK_EMAIL:
            yield Say(N_("What's your email address? If you pay by {methods}, the voucher is "
                         "sent there. Or choose Skip to pay another way."),
                      {"methods": facts.get("voucher_methods")}, (Choice(N_("Skip"), "skip"),))
        elif step == ASK_UPDATES:
            yield Say(N_("Can we message you here about this order (payment, shipping and "
                         "delivery)?"), {}, YES_NO)
        else:
            params = {key: facts.get(key) for key in (
                "lines", "subtotal", "days", "shipping", "total", "address", "methods")}
            params.update(country=facts.get("country_name"), name=d.get("name"))
            yield Say(
                N_("Please check your order:\n{lines}\n\nSubtotal: {subtotal}\nShipping "
                   "({country}, {days} days): {shipping}\nTotal: {total}\n\nShip to: {name}, "
                   "{address}\nYou can pay by {methods}."),
                params, REVIEW_OPTIONS,
            )

    effect.__name__ = f"ask({step})"
    return effect


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
    facts = _facts(ctx)
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
    yield Say(N_("Before you pay: {problems}"), {"problems": _facts(ctx).get("problems")},
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
