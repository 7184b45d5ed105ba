"""Greeting and the main menu: where every conversation starts and returns."""

from __future__ import annotations

from collections.abc import Iterable

from flows.machine import ANY, T
from flows.types import N_, Action, Choice, Context, Event, Intent, Say

MENU = "menu"

OPTIONS = (
    Choice(N_("Shop"), "shop"),
    Choice(N_("Track an order"), "track"),
    Choice(N_("Talk to a person"), "human"),
    Choice(N_("Language"), "language"),
)


def greet(ctx: Context, event: Event) -> Iterable[Action]:
    """Welcome the shopper by name when the channel told us it, and show the menu."""
    if ctx.customer_name:
        yield Say(
            N_("Hi {name}! Welcome to {shop}. How can I help you today?"),
            {"name": ctx.customer_name, "shop": ctx.shop_name},
            OPTIONS,
        )
    else:
        yield Say(N_("Hi! Welcome to {shop}. How can I help you today?"), {"shop": ctx.shop_name},
                  OPTIONS)


def show_menu(ctx: Context, event: Event) -> Iterable[Action]:
    yield Say(N_("How can I help you?"), {}, OPTIONS)


def first_turn(ctx: Context, event: Event) -> bool:
    return ctx.turn == 0


TABLE = (
    # state  on             guard       next   effects
    T(ANY,   Intent.GREET,  None,       MENU,  greet),
    T(ANY,   Intent.MENU,   None,       MENU,  show_menu),
    # A first message we cannot read still deserves a welcome, not an apology.
    T(ANY,   Intent.UNKNOWN, first_turn, MENU, greet),
)

STATES = (MENU,)
