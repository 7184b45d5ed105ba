"""The conversation, as one transition table assembled from one module per flow.

Order matters: rows that answer in any state (STOP, HELP, a person, a language)
come first, each flow's own rows next, the fallback last. The table is checked
when this package is imported.
"""

from __future__ import annotations

from flows import consent, fallback, feedback, handoff, help, language, menu, orders, shop
from flows.machine import T, check

START = menu.MENU

TABLE: tuple[T, ...] = (
    *consent.TABLE,
    *help.TABLE,
    *handoff.TABLE,
    *language.TABLE,
    *menu.TABLE,
    *feedback.TABLE,
    *orders.TABLE,
    *shop.TABLE,
    *fallback.TABLE,
)

STATES: tuple[str, ...] = (
    *menu.STATES,
    *handoff.STATES,
    *language.STATES,
    *feedback.STATES,
    *orders.STATES,
    *shop.STATES,
)

check(TABLE, STATES, START)

__all__ = ["START", "STATES", "TABLE"]
