"""Language: switch when asked ("English please", "em português") or pick from a list.

The list fits every channel: the languages this shopper most likely reads come
first (their country's, the conversation's, then the most asked-for), and the rest
sit behind one "N more languages" option. A numbered SMS list stays short, and a
Telegram keyboard a few rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from flows.machine import ANY, T
from flows.menu import MENU, OPTIONS
from flows.types import N_, Action, Choice, Context, Event, Intent, Nn_, Say, SetLocale

CHOOSE_LANGUAGE = "choose_language"

# Each language is offered in its own words: a shopper who cannot read the current
# language must still find theirs.
NATIVE_NAMES: Final = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "fr": "Français",
    "de": "Deutsch",
    "id": "Bahasa Indonesia",
    "ar": "العربية",
    "zh_Hans": "中文（简体）",
    "th": "ไทย",
    "vi": "Tiếng Việt",
    "tr": "Türkçe",
    "ja": "日本語",
}
# The order languages are offered in when nothing says which this shopper reads:
# roughly how often shoppers of a cross-border shop ask for them.
POPULAR: Final = ("en", "es", "pt_BR", "fr", "de", "ar", "zh_Hans", "id", "ja", "tr", "vi", "th")
# Languages on the first page; the rest are one tap ("more") away.
FIRST_PAGE: Final = 4
MORE: Final = "lang:more"
# Filled by bot/language_facts.py: the shopper's country's languages, most spoken first.
LIKELY: Final = "likely_locales"


def ranked(ctx: Context) -> tuple[str, ...]:
    """Every shipped locale, the likely ones first."""
    wanted = (*ctx.facts.get(LIKELY, ()), ctx.locale, *POPULAR, *ctx.locales)
    return tuple(dict.fromkeys(loc for loc in wanted if loc in ctx.locales))


def _choices(locales: Iterable[str]) -> tuple[Choice, ...]:
    return tuple(
        Choice(NATIVE_NAMES.get(loc, loc), f"lang:{loc}", translate=False) for loc in locales
    )


def named(ctx: Context, event: Event) -> bool:
    """The shopper named (or tapped) a language we ship."""
    return event.entities.get("locale") in ctx.locales


def wants_more(ctx: Context, event: Event) -> bool:
    """The shopper asked for the rest of the language list."""
    return event.payload == MORE


def switch(ctx: Context, event: Event) -> Iterable[Action]:
    """Speak the named language from now on, and say so in it."""
    locale = str(event.entities["locale"])
    yield SetLocale(locale)
    yield Say(N_("Okay, I'll write in English from now on."), {}, OPTIONS)


def ask(ctx: Context, event: Event) -> Iterable[Action]:
    """The likely languages, and "N more languages" when there are more than fit."""
    every = ranked(ctx)
    if len(every) <= FIRST_PAGE + 1:
        choices = _choices(every)
    else:
        rest = len(every) - FIRST_PAGE
        more = Choice(Nn_("{n} more language", "{n} more languages"), MORE, {"n": rest})
        choices = (*_choices(every[:FIRST_PAGE]), more)
    yield Say(N_("Which language do you prefer?"), {}, choices)


def ask_more(ctx: Context, event: Event) -> Iterable[Action]:
    """The languages the first page left out."""
    every = ranked(ctx)
    rest = every[FIRST_PAGE:] if len(every) > FIRST_PAGE + 1 else every
    yield Say(N_("Which language do you prefer?"), {}, _choices(rest))


TABLE = (
    T(ANY, Intent.LANGUAGE, named, MENU, switch),
    T(ANY, Intent.LANGUAGE, wants_more, CHOOSE_LANGUAGE, ask_more),
    T(ANY, Intent.LANGUAGE, None, CHOOSE_LANGUAGE, ask),
)

STATES = (CHOOSE_LANGUAGE,)
