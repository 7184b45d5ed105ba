"""What the bot says when it does not understand; the second miss offers a person."""

from __future__ import annotations

from flows.handoff import OFFER, OFFER_HUMAN
from flows.machine import ANY, SAME, T, do, say
from flows.menu import OPTIONS
from flows.types import N_, Context, Event, Intent, Miss


def missed_before(ctx: Context, event: Event) -> bool:
    return ctx.misses >= 1


TABLE = (
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
