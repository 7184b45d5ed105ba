"""What the bot says when it does not understand; the second miss offers a person."""

from __future__ import annotations

from flows.handoff import OFFER, OFFER_HUMAN
from flows.machine import ANY, SAME, Guard, T, do, say
from flows.menu import MENU, OPTIONS
from flows.types import N_, Context, Event, Intent, Miss


def missed_before(ctx: Context, event: Event) -> bool:
    """The bot already failed to understand the message before this one."""
    return ctx.misses >= 1


def sent(kind: str) -> Guard:
    """The shopper sent a photo, file, location or contact that no words explain."""

    def guard(ctx: Context, event: Event) -> bool:
        return event.entities.get("kind") == kind

    guard.__name__ = f"sent_{kind}"
    return guard


TABLE = (
    # An attachment is not a misunderstanding: say what the bot can't use, and go on.
    T(ANY, Intent.UNKNOWN, sent("media"),    MENU,
      say(N_("Thanks! I can't open photos, voice messages or files here yet. "
             "Please write what you need, or choose an option."), *OPTIONS)),
    T(ANY, Intent.UNKNOWN, sent("location"), MENU,
      say(N_("Thanks for sharing your location. I can't use locations here yet: "
             "please write what you need, or choose an option."), *OPTIONS)),
    T(ANY, Intent.UNKNOWN, sent("contact"),  MENU,
      say(N_("Thanks for the contact. I can't use shared contacts here yet: "
             "please write what you need, or choose an option."), *OPTIONS)),
    T(ANY, Intent.THANKS, None,          SAME, say(N_("You're welcome! Anything else?"))),
    T(ANY, ANY,           missed_before, OFFER_HUMAN,
      do(Miss()),
      say(N_("I'm sorry, I still don't understand. Would you like to talk to a person?"),
          *OFFER)),
    T(ANY, ANY,           None,          SAME,
      do(Miss()),
      say(N_("Sorry, I didn't understand that. Choose an option or write it in other words."),
          *OPTIONS)),
)

STATES: tuple[str, ...] = ()
