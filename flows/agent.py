"""Back from a person: the bot resumes when an agent hands back or resolves, and may ask
for a rating.

The console sends the engine an AGENT_DONE event (entities: `rating`, whether the
agent wants the shopper asked) once the conversation is the bot's again. A rating of
1 or 2 asks for a person again: feedback that low deserves one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flows.handoff import WAITING_HUMAN, waiting_message
from flows.machine import ANY, T, say
from flows.menu import MENU, OPTIONS
from flows.types import N_, Action, Choice, Context, Event, Intent, RequestAgent, Say

RATE_SERVICE = "rate_service"

# Option n is score n, so a shopper who types "5" means 5 on every channel.
RATINGS = (
    Choice(N_("Very poor"), "rate:1"),
    Choice(N_("Poor"), "rate:2"),
    Choice(N_("Okay"), "rate:3"),
    Choice(N_("Good"), "rate:4"),
    Choice(N_("Excellent"), "rate:5"),
)
LOW = 2  # this score or lower asks for a person again


@dataclass(frozen=True, slots=True)
class RecordRating(Action):
    """Keep the shopper's score (1-5) for the person who last helped them."""

    score: int


def wants_rating(ctx: Context, event: Event) -> bool:
    """The agent asked for the shopper's rating when giving the conversation back."""
    return bool(event.entities.get("rating"))


def score(event: Event) -> int | None:
    """The score a rating button (or its number or label) carries, else None."""
    payload = event.payload or ""
    if payload.startswith("rate:") and payload[5:].isdigit():
        value = int(payload[5:])
        return value if 1 <= value <= 5 else None
    return None


def rated(ctx: Context, event: Event) -> bool:
    """The shopper chose a score."""
    return score(event) is not None


def rated_low(ctx: Context, event: Event) -> bool:
    """The shopper chose a score of LOW or less."""
    value = score(event)
    return value is not None and value <= LOW


def ask_rating(ctx: Context, event: Event) -> Iterable[Action]:
    """Ask how the help was, with a button (or a number) per score."""
    yield Say(N_("Thanks for talking with us! How would you rate the help you got today?"),
              {}, RATINGS)


def record(ctx: Context, event: Event) -> Iterable[Action]:
    """Keep the score chosen."""
    value = score(event)
    if value is not None:
        yield RecordRating(value)


def follow_up(ctx: Context, event: Event) -> Iterable[Action]:
    """Apologise and ask for a person again: a low score deserves one."""
    yield Say(N_("I'm sorry we let you down."))
    yield RequestAgent("low_rating")
    yield waiting_message(ctx.facts)


TABLE = (
    # state         on                 guard         next           effects
    T(ANY,          Intent.AGENT_DONE, wants_rating, RATE_SERVICE,  ask_rating),
    T(ANY,          Intent.AGENT_DONE, None,         MENU,
      say(N_("You're chatting with {shop}'s assistant again. How can I help you?"), *OPTIONS)),
    T(RATE_SERVICE, Intent.CHOICE,     rated_low,    WAITING_HUMAN, record, follow_up),
    T(RATE_SERVICE, Intent.CHOICE,     rated,        MENU,          record,
      say(N_("Thank you for your rating! Write MENU whenever you need me."))),
)

STATES = (RATE_SERVICE,)
