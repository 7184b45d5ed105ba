"""The conversation, as one transition table assembled from one module per flow.

Order matters: rows that answer in any state (STOP, HELP, a person, a language)
come first, each flow's own rows next, the fallback last. Checkout's EARLY rows sit
just after STOP/START: a valid address is an answer even when it reads "Help Street".
The table is checked when this package is imported.
"""

from __future__ import annotations

from flows import (
    agent,
    cart,
    catalog,
    checkout,
    consent,
    fallback,
    feedback,
    handoff,
    help,
    language,
    menu,
    orders,
)
from flows.machine import T, check

START = menu.MENU

TABLE: tuple[T, ...] = (
    *consent.TABLE,
    *checkout.EARLY,
    *help.TABLE,
    *agent.TABLE,
    *handoff.TABLE,
    *language.TABLE,
    *catalog.FIRST,
    *menu.TABLE,
    *catalog.TABLE,
    *cart.TABLE,
    *checkout.TABLE,
    *feedback.TABLE,
    *orders.TABLE,
    *fallback.TABLE,
)

STATES: tuple[str, ...] = (
    *menu.STATES,
    *consent.STATES,
    *handoff.STATES,
    *language.STATES,
    *catalog.STATES,
    *cart.STATES,
    *checkout.STATES,
    *feedback.STATES,
    *orders.STATES,
    *agent.STATES,
)

# States whose answers are data (a name, an address): the engine does not read the
# shopper's language from them.
FREE_TEXT_STATES: tuple[str, ...] = (*checkout.FREE_TEXT_STATES,)

check(TABLE, STATES, START)

__all__ = ["FREE_TEXT_STATES", "START", "STATES", "TABLE"]
