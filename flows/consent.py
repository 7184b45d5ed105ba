"""STOP and START, in any state: the shopper decides what we may send them."""

from __future__ import annotations

from flows.machine import ANY, SAME, T, do, say
from flows.types import N_, Intent, OptIn, OptOut

TABLE = (
    T(ANY, Intent.STOP, None, SAME,
      do(OptOut()),
      say(N_("You're unsubscribed: {shop} won't send you any more messages. "
             "Reply START to subscribe again."))),
    T(ANY, Intent.START, None, SAME,
      do(OptIn()),
      say(N_("You're subscribed again. Write MENU to see what I can do."))),
)

STATES: tuple[str, ...] = ()
