"""HELP, in any state: who we are, what the bot does, how to stop."""

from __future__ import annotations

from flows.machine import ANY, SAME, T, say
from flows.menu import OPTIONS
from flows.types import N_, Intent

# {shop} is filled in by the engine for every message.
TABLE = (
    T(ANY, Intent.HELP, None, SAME,
      say(N_("{shop}: I can find products, take your order and tell you where it is. "
             "Write MENU for options or PERSON to reach someone. "
             "Reply STOP to stop messages."), *OPTIONS)),
)

STATES: tuple[str, ...] = ()
