"""Understanding: a shopper's words, button or number → an Event for the flows.

Lexicons live in `bot/lexicon/<locale>.toml`. Every shipped lexicon is consulted
whatever the conversation's language, because shoppers mix languages ("STOP",
"ok", "menu") and the conversation's language may not be settled yet.

The opt-out, opt-in and help keywords of every language are in one file,
`bot/lexicon/keywords.toml`: they count only as the whole message. A stop word
inside a longer message is MAYBE_STOP, and the bot asks before stopping anything.
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
from flows.types import Event, Intent

LEXICON_DIR = Path(__file__).parent / "lexicon"
KEYWORDS_FILE = LEXICON_DIR / "keywords.toml"

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
# Telegram's bot commands: /start opens every chat, so it greets unless the shopper
# had stopped us (flows/consent.py); /stop and /help are the keywords.
COMMANDS = {"/start": Intent.START, "/stop": Intent.STOP, "/help": Intent.HELP}

_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Scripts written without spaces between words: a phrase matches anywhere in them.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    """Lower-case, accents removed, punctuation folded to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.sub(" ", stripped).split())


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every keyword and phrase, normalized and compiled."""

    keywords: dict[Intent, frozenset[str]]
    phrases: dict[Intent, tuple[re.Pattern[str], ...]]
    ask_stop: tuple[re.Pattern[str], ...] = ()


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A whole-word pattern, or a plain substring one for scripts without spaces."""
    if _UNSPACED.search(phrase):
        return re.compile(re.escape(phrase))
    return re.compile(rf"(?:^| ){re.escape(phrase)}(?: |$)")


@cache
def lexicon() -> Lexicon:
    """Every shipped lexicon merged, compiled once."""
    keywords: dict[Intent, set[str]] = {}
    phrases: dict[Intent, list[str]] = {}
    shared = tomllib.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    for name, intent in KEYWORD_INTENTS.items():
        for words in shared.get(name, {}).values():
            keywords.setdefault(intent, set()).update(normalize(w) for w in words)
    ask = {normalize(w) for words in shared.get("ask", {}).values() for w in words}
    for path in sorted(LEXICON_DIR.glob("*.toml")):
        if path == KEYWORDS_FILE:
            continue
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
    ask_stop = tuple(_phrase_pattern(p) for p in sorted(ask, key=len, reverse=True) if p)
    return Lexicon({k: frozenset(v) for k, v in keywords.items()}, compiled, ask_stop)


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
    command = COMMANDS.get(text.strip().partition("@")[0].lower())
    if command is not None:
        return Event(command, text, entities={"command": True})
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
    if any(pattern.search(norm) for pattern in lex.ask_stop):
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
