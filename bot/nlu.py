"""Understanding: a shopper's words, button or number → an Event for the flows.

Lexicons live in `bot/lexicon/<locale>.toml`. Every shipped lexicon is consulted
whatever the conversation's language, because shoppers mix languages ("STOP",
"ok", "menu") and the conversation's language may not be settled yet. The STOP,
START and HELP keywords of every language are in `bot/lexicon/keywords.toml`
(bot/keywords.py).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot import language
from bot.keywords import asks_to_stop, keyword_event
from flows.types import Event, Intent

LEXICON_DIR = Path(__file__).parent / "lexicon"

# Buttons carry payloads; these name intents directly, whatever the label said.
PAYLOAD_INTENTS = {
    "menu": Intent.MENU,
    "human": Intent.HUMAN,
    "help": Intent.HELP,
    "language": Intent.LANGUAGE,
    "shop": Intent.BROWSE,
    "track": Intent.TRACK,
    "yes": Intent.YES,
    "no": Intent.NO,
}

# Checked in this order: a message that asks for a person and says hello asks for a person.
PHRASE_ORDER = (
    Intent.HUMAN,
    Intent.HELP,
    Intent.TRACK,
    Intent.BROWSE,
    Intent.MENU,
    Intent.THANKS,
    Intent.GREET,
    Intent.NO,
    Intent.YES,
)
# Small talk only counts when it is (nearly) the whole message: "hi, do you sell
# jackets?" is a question about jackets, not a greeting.
SHORT_ONLY = {Intent.GREET, Intent.THANKS, Intent.YES, Intent.NO, Intent.MENU}
KEYWORD_INTENTS = {"stop": Intent.STOP, "start": Intent.START, "help": Intent.HELP}

_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower-case, accents removed, punctuation folded to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.sub(" ", stripped).split())


@dataclass(frozen=True, slots=True)
class Lexicon:
    keywords: dict[Intent, frozenset[str]]
    phrases: dict[Intent, tuple[re.Pattern[str], ...]]


@cache
def lexicon() -> Lexicon:
    """Every shipped lexicon merged, compiled once."""
    keywords: dict[Intent, set[str]] = {}
    phrases: dict[Intent, list[str]] = {}
    for path in sorted(LEXICON_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for name, words in data.get("keywords", {}).items():
            keywords.setdefault(KEYWORD_INTENTS[name], set()).update(normalize(w) for w in words)
        for name, words in data.get("phrases", {}).items():
            phrases.setdefault(Intent(name), []).extend(normalize(w) for w in words)
    compiled = {
        intent: tuple(
            re.compile(rf"(?:^| ){re.escape(p)}(?: |$)")
            # Longer phrases first so "my order" outranks "order" in intent order ties.
            for p in sorted(set(words), key=len, reverse=True)
            if p
        )
        for intent, words in phrases.items()
    }
    return Lexicon({k: frozenset(v) for k, v in keywords.items()}, compiled)


def from_payload(payload: str) -> Event:
    """A button's payload as an event."""
    if payload.startswith("lang:"):
        return Event(Intent.LANGUAGE, payload=payload, entities={"locale": payload[5:]})
    intent = PAYLOAD_INTENTS.get(payload)
    if intent is not None:
        return Event(intent, payload=payload)
    return Event(Intent.CHOICE, payload=payload)


def understand(
    text: str,
    payload: str | None = None,
    options: Sequence[tuple[str, str]] = (),
    supported: Sequence[str] | None = None,
) -> Event:
    """Read one message. `options` are the (label, payload) pairs the shopper was last shown."""
    if payload:
        event = from_payload(payload)
        return Event(event.intent, text, event.payload, event.entities)
    keyword = keyword_event(text)
    if keyword is not None:
        return keyword
    norm = normalize(text)
    if not norm:
        return Event(Intent.UNKNOWN, text)
    lex = lexicon()
    for intent in (Intent.STOP, Intent.START, Intent.HELP):
        if norm in lex.keywords.get(intent, ()):
            return Event(intent, text)
    chosen = _option(norm, options)
    if chosen is not None:
        event = from_payload(chosen)
        return Event(event.intent, text, event.payload, event.entities)
    wanted = language.requested(text, supported=supported) if supported else language.requested(
        text
    )
    if wanted:
        return Event(Intent.LANGUAGE, text, entities={"locale": wanted})
    if asks_to_stop(norm):
        return Event(Intent.MAYBE_STOP, text)
    words = len(norm.split())
    for intent in PHRASE_ORDER:
        for pattern in lex.phrases.get(intent, ()):
            match = pattern.search(norm)
            if match is None:
                continue
            if intent in SHORT_ONLY and words > len(match.group().split()) + 2:
                continue
            return Event(intent, text)
    return Event(Intent.UNKNOWN, text)


def _option(norm: str, options: Sequence[tuple[str, str]]) -> str | None:
    """The payload of the option the shopper picked by number or by its label."""
    if not options:
        return None
    match = re.fullmatch(r"(?:option |opcion |opcao |n |no )?(\d{1,2})", norm)
    if match:
        index = int(match.group(1)) - 1
        return options[index][1] if 0 <= index < len(options) else None
    for label, payload in options:
        if normalize(label) == norm:
            return payload
    return None
