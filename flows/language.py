"""Language: switch when asked ("English please", "em português") or pick from a list."""

from __future__ import annotations

from collections.abc import Iterable

from flows.machine import ANY, T
from flows.menu import MENU, OPTIONS
from flows.types import N_, Action, Choice, Context, Event, Intent, Say, SetLocale

CHOOSE_LANGUAGE = "choose_language"

# Each language is offered in its own words: a shopper who cannot read the current
# language must still find theirs.
NATIVE_NAMES = {
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


def named(ctx: Context, event: Event) -> bool:
    return event.entities.get("locale") in ctx.locales


def switch(ctx: Context, event: Event) -> Iterable[Action]:
    locale = str(event.entities["locale"])
    yield SetLocale(locale)
    yield Say(N_("Okay, I'll write in English from now on."), {}, OPTIONS)


def ask(ctx: Context, event: Event) -> Iterable[Action]:
    choices = tuple(
        Choice(NATIVE_NAMES.get(loc, loc), f"lang:{loc}", translate=False) for loc in ctx.locales
    )
    yield Say(N_("Which language do you prefer?"), {}, choices)


TABLE = (
    T(ANY, Intent.LANGUAGE, named, MENU, switch),
    T(ANY, Intent.LANGUAGE, None, CHOOSE_LANGUAGE, ask),
)

STATES = (CHOOSE_LANGUAGE,)
