"""Checkout's steps: what is still missing, and how each question is asked.

The draft is the shopper's answers so far (the `checkout` slot) over what is known
from their last order, with this message's answer on top; the next step is the
first one whose answer is missing. flows/checkout.py turns this into table rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flows.machine import Effect
from flows.types import N_, Action, Choice, Context, Event, Intent, Say

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
    elif state == CONFIRM_COUNTRY and event.intent is Intent.YES:
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


def facts_of(ctx: Context) -> Mapping[str, Any]:
    """What bot/shopping/facts.py looked up for checkout this turn."""
    return ctx.facts.get("checkout") or {}


def draft(ctx: Context, event: Event) -> dict[str, Any]:
    """The draft after this message, with a country we do not ship to set aside."""
    facts = facts_of(ctx)
    merged = merge_draft(ctx.state, event, ctx.slots.get(DRAFT), facts.get("known") or {},
                         facts.get("answer") or {}, ctx.country)
    if merged.get("country") and not facts.get("ships"):
        merged.update(no_ship=merged["country"], declined=merged["country"], country=None,
                      country_ok=False)
    return merged


def next_step(ctx: Context, event: Event) -> str:
    """The first step whose answer is still missing."""
    d, facts = draft(ctx, event), facts_of(ctx)
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


# -- effects ----------------------------------------------------------------------------

YES_NO = (Choice(N_("Yes"), "yes"), Choice(N_("No"), "no"))
REVIEW_OPTIONS = (
    Choice(N_("Pay now"), "pay"),
    Choice(N_("Change details"), "checkout:change"),
    Choice(N_("View cart"), "cart"),
)


def _countries(ctx: Context) -> tuple[Choice, ...]:
    names: Mapping[str, str] = facts_of(ctx).get("shipping_countries") or {}
    return tuple(Choice(name, f"country:{code}", translate=False) for code, name in names.items())


def ask(step: str) -> Effect:
    """The question for `step`, about the draft as it stands after this message."""

    def effect(ctx: Context, event: Event) -> Iterable[Action]:
        d, facts = draft(ctx, event), facts_of(ctx)
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
