"""Reaching a person: asked for, or offered after the bot misses twice.

The shopper is told a person is coming and roughly when, from the facts the
console provides (bot/console/facts.py): `agents_open` (within the shop's hours),
`agent_eta_minutes` (an estimate from the queue and the agents online) and, outside
the hours, `opens_at` and `zone` (when someone will answer, in the shop's time zone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flows.machine import ANY, SAME, Effect, T, do
from flows.menu import MENU, show_menu
from flows.types import (
    N_,
    Action,
    CancelAgent,
    Choice,
    Context,
    Event,
    Intent,
    RequestAgent,
    Say,
)

WAITING_HUMAN = "waiting_human"
OFFER_HUMAN = "offer_human"


def waiting_message(facts: Mapping[str, Any]) -> Say:
    """What a shopper who now waits for a person is told: who comes, and roughly when."""
    if facts.get("agents_open") is False and facts.get("opens_at"):
        return Say(
            N_("Our team is away right now. Your messages are saved, and a person will "
               "answer you here when we open: {opens_at} ({zone}). "
               "Write MENU to go back to the bot."),
            {"opens_at": facts["opens_at"], "zone": facts.get("zone", "")},
        )
    if facts.get("agent_eta_minutes"):
        return Say(
            N_("I'm asking a person to join. Someone should answer you here in about "
               "{minutes} minutes. Write MENU to go back to the bot."),
            {"minutes": facts["agent_eta_minutes"]},
        )
    if facts.get("agents_open") is True:
        return Say(N_("I'm asking a person to join. Everyone is busy right now, so it may "
                      "take a while; they will answer you here in this chat. "
                      "Write MENU to go back to the bot."))
    return Say(N_("Sure, I'm asking a person to join. They will answer here in this chat. "
                  "Write MENU to go back to the bot."))


def ask_for_agent(reason: str) -> Effect:
    """Ask for a person for `reason` and tell the shopper when to expect them."""

    def effect(ctx: Context, event: Event) -> Iterable[Action]:
        return (RequestAgent(reason), waiting_message(ctx.facts))

    effect.__name__ = f"ask_for_agent({reason!r})"
    return effect


TABLE = (
    # state          on              guard  next           effects
    T(OFFER_HUMAN,   Intent.YES,     None,  WAITING_HUMAN, ask_for_agent("offered")),
    T(OFFER_HUMAN,   Intent.NO,      None,  MENU,          show_menu),
    T(ANY,           Intent.HUMAN,   None,  WAITING_HUMAN, ask_for_agent("asked")),
    T(WAITING_HUMAN, Intent.MENU,    None,  MENU,          do(CancelAgent()), show_menu),
    # While the shopper waits, the bot does not talk over the person coming.
    T(WAITING_HUMAN, ANY,            None,  SAME),
)

OFFER = (
    Choice(N_("Yes, a person"), "human"),
    Choice(N_("Menu"), "menu"),
)

STATES = (WAITING_HUMAN, OFFER_HUMAN)
