"""Feedback on a delivered order: a score from 1 to 5, then a comment if they have one.

The question comes after the delivery notice (bot/orders/questions.py) or from the
"Rate this order" button on a delivered order's card. A low score asks a person to
take the conversation, so someone follows up with the shopper who was let down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flows.handoff import WAITING_HUMAN
from flows.machine import ANY, T, do, say
from flows.menu import MENU
from flows.orders import facts
from flows.types import (
    N_,
    Action,
    Choice,
    Context,
    Event,
    Intent,
    RequestAgent,
    Say,
    SetSlots,
)

RATE = "feedback_score"
COMMENT = "feedback_comment"
SLOT = "feedback_order"
LOW = 2  # this score or lower asks a person to follow up

SCORES = (
    Choice(N_("Poor"), "rate:1"),
    Choice(N_("Fair"), "rate:2"),
    Choice(N_("Good"), "rate:3"),
    Choice(N_("Very good"), "rate:4"),
    Choice(N_("Excellent"), "rate:5"),
)
QUESTION = N_("How did we do with order {number}? Rate it from 1 (poor) to 5 (excellent).")
_LEADING_SCORE = re.compile(r"\s*([1-5])(?!\d)")
_DIGITS = frozenset("12345")


@dataclass(frozen=True, slots=True)
class RateOrder(Action):
    """Store the shopper's score for one of their orders."""

    number: str
    score: int


@dataclass(frozen=True, slots=True)
class CommentOnOrder(Action):
    """Store the shopper's comment on the order they just rated."""

    number: str
    text: str


def score(ctx: Context, event: Event) -> int | None:
    """The score in a tapped button ("rate:4") or at the start of a message ("4 stars")."""
    if event.payload and event.payload.startswith("rate:") and event.payload[5:] in _DIGITS:
        return int(event.payload[5:])
    match = _LEADING_SCORE.match(event.text) if event.payload is None else None
    return int(match.group(1)) if match else None


def rating(ctx: Context) -> str | None:
    """The number of the order being rated, remembered in the conversation."""
    value = ctx.slots.get(SLOT)
    return str(value) if value else None


def wants_to_rate(ctx: Context, event: Event) -> bool:
    """The "Rate this order" button of one of the shopper's delivered, unrated orders."""
    payload = event.payload or ""
    number = payload[9:] if payload.startswith("feedback:") else None
    return any(o.number == number and o.can_rate for o in facts(ctx).orders)


def gave_low(ctx: Context, event: Event) -> bool:
    """A score of LOW or less for the order being rated."""
    value = score(ctx, event)
    return rating(ctx) is not None and value is not None and value <= LOW


def gave_score(ctx: Context, event: Event) -> bool:
    """A score for the order being rated."""
    return rating(ctx) is not None and score(ctx, event) is not None


def skipped(ctx: Context, event: Event) -> bool:
    """The shopper chose to add no comment."""
    return event.payload == "skip"


def wrote(ctx: Context, event: Event) -> bool:
    """The shopper wrote something, about an order being rated."""
    return rating(ctx) is not None and event.payload is None and bool(event.text.strip())


def ask_score(ctx: Context, event: Event) -> Iterable[Action]:
    """Remember which order is rated and ask for the score."""
    number = (event.payload or "")[9:]
    yield SetSlots({SLOT: number})
    yield Say(QUESTION, {"number": number}, SCORES)


def record(ctx: Context, event: Event) -> Iterable[Action]:
    """Store the score."""
    value = score(ctx, event)
    number = rating(ctx)
    assert value is not None and number is not None, "a guard checked both"
    yield RateOrder(number, value)


def sorry(ctx: Context, event: Event) -> Iterable[Action]:
    """Apologise and ask a person to follow up."""
    yield RequestAgent("low feedback score")
    yield Say(N_("I'm sorry order {number} was not what you hoped for. I've asked a person to "
                 "look into it: they will answer here. You can already tell them what went "
                 "wrong."), {"number": rating(ctx)})


def comment(ctx: Context, event: Event) -> Iterable[Action]:
    """Store the comment and thank the shopper."""
    number = rating(ctx)
    assert number is not None, "a guard checked it"
    yield CommentOnOrder(number, event.text.strip()[:2000])
    yield SetSlots({SLOT: None})
    yield Say(N_("Thank you for telling us, it helps us do better."))


ask_comment = say(N_("Thank you! Is there anything you would like to tell us about it? Write "
                     "it here, or choose Skip."), Choice(N_("Skip"), "skip"))

TABLE = (
    # state  on              guard          next           effects
    T(ANY,     Intent.CHOICE,  wants_to_rate, RATE,          ask_score),
    T(RATE,    Intent.CHOICE,  gave_low,      WAITING_HUMAN, record, sorry),
    T(RATE,    Intent.CHOICE,  gave_score,    COMMENT,       record, ask_comment),
    T(RATE,    Intent.UNKNOWN, gave_low,      WAITING_HUMAN, record, sorry),
    T(RATE,    Intent.UNKNOWN, gave_score,    COMMENT,       record, ask_comment),
    T(COMMENT, Intent.CHOICE,  skipped,       MENU,          do(SetSlots({SLOT: None})),
      say(N_("Thanks for rating us!"))),
    # Whatever they write now is their comment (STOP, HELP and PERSON were answered above).
    T(COMMENT, ANY,            wrote,         MENU,          comment),
)

STATES = (RATE, COMMENT)
