"""Reaching a person: asked for, or offered after the bot misses twice."""

from __future__ import annotations

from flows.machine import ANY, SAME, T, do, say
from flows.menu import MENU, show_menu
from flows.types import N_, CancelAgent, Choice, Intent, RequestAgent

WAITING_HUMAN = "waiting_human"
OFFER_HUMAN = "offer_human"

ask_for_agent = (
    do(RequestAgent("asked")),
    say(N_("Sure, I'm asking a person to join. They will answer here in this chat. "
           "Write MENU to go back to the bot.")),
)

TABLE = (
    # state          on              guard  next           effects
    T(OFFER_HUMAN,   Intent.YES,     None,  WAITING_HUMAN, *ask_for_agent),
    T(OFFER_HUMAN,   Intent.NO,      None,  MENU,          show_menu),
    T(ANY,           Intent.HUMAN,   None,  WAITING_HUMAN, *ask_for_agent),
    T(WAITING_HUMAN, Intent.MENU,    None,  MENU,          do(CancelAgent()), show_menu),
    # While the shopper waits, the bot does not talk over the person coming.
    T(WAITING_HUMAN, ANY,            None,  SAME),
)

OFFER = (
    Choice(N_("Yes, a person"), "human"),
    Choice(N_("Menu"), "menu"),
)

STATES = (WAITING_HUMAN, OFFER_HUMAN)
