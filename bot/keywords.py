"""Opt-out, opt-in and help keywords in every language: bot/lexicon/keywords.toml.

Carriers act on STOP only when it is the whole message, and so does souk:
`keyword_event()` reads a message that is nothing but a keyword (or Telegram's /start, /stop, /help).
A stop word inside a longer message ("don't stop my order") is not an opt-out:
`asks_to_stop()` says the bot should ask first (Intent.MAYBE_STOP).

Matching is on bot.nlu.normalize()'s form (lower case, accents and punctuation
removed), so "¡PARAR!" is "parar". The [ask] phrases match as whole words, or
anywhere in the message for scripts written without spaces (Chinese, Japanese, Thai).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flows.types import Event, Intent

__all__ = ["COMMANDS", "KEYWORDS_FILE", "asks_to_stop", "is_stop", "keyword_event"]

KEYWORDS_FILE = Path(__file__).parent / "lexicon" / "keywords.toml"
SECTIONS = {"stop": Intent.STOP, "start": Intent.START, "help": Intent.HELP}
# Telegram's bot commands: /start opens every chat, so the consent flow greets unless
# the shopper had stopped us; /stop and /help are the keywords.
COMMANDS = {"/start": Intent.START, "/stop": Intent.STOP, "/help": Intent.HELP}
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Keywords:
    """The file's words, normalized: whole-message keywords and the phrases that ask."""

    exact: dict[str, Intent]
    ask: tuple[re.Pattern[str], ...]


@cache
def keywords() -> Keywords:
    """keywords.toml, read and compiled once."""
    from bot.nlu import normalize  # nlu imports this module

    data = tomllib.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    found: dict[str, Intent] = {}
    for section, intent in SECTIONS.items():
        for words in data.get(section, {}).values():
            for word in words:
                norm = normalize(word)
                if found.setdefault(norm, intent) is not intent:
                    raise ValueError(f"keywords.toml: {word!r} is both {found[norm].value} "
                                     f"and {intent.value}")
    ask = {normalize(w) for words in data.get("ask", {}).values() for w in words} - {""}
    patterns = tuple(
        re.compile(re.escape(p) if _UNSPACED.search(p) else rf"(?:^| ){re.escape(p)}(?: |$)")
        for p in sorted(ask, key=len, reverse=True)
    )
    return Keywords(found, patterns)


def keyword_event(text: str) -> Event | None:
    """The STOP, START or HELP event a message is, when it is only a keyword or command."""
    from bot.nlu import normalize

    command = COMMANDS.get(text.strip().partition("@")[0].lower())
    if command is not None:
        return Event(command, text, entities={"command": True})
    intent = keywords().exact.get(normalize(text))
    return Event(intent, text) if intent is not None else None


def is_stop(text: str) -> bool:
    """Whether a message is an opt-out keyword on its own."""
    found = keyword_event(text)
    return found is not None and found.intent is Intent.STOP


def asks_to_stop(norm: str) -> bool:
    """Whether a normalized message that is not a keyword mentions stopping."""
    return any(pattern.search(norm) for pattern in keywords().ask)
