"""Understanding: a shopper's words, button or number → an Event for the flows.

Lexicons live in `bot/lexicon/<locale>.toml`. Every shipped lexicon is consulted
whatever the conversation's language, because shoppers mix languages ("STOP",
"ok", "menu") and the conversation's language may not be settled yet.

Text is compared after `normalize`: compatibility forms folded (fullwidth "２" is
"2"), lower case, Latin accents removed ("não" is "nao"), Arabic spelling variants
unified, punctuation made spaces, while the letters and marks of every other script
(Thai vowels, Japanese voicing marks) are kept whole. Phrases of scripts written
without spaces (Chinese, Japanese, Thai) are found inside the text; the others only
as whole words.
The STOP, START and HELP keywords of every language are in
`bot/lexicon/keywords.toml` (bot/keywords.py).
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from bot import language, numbers
from bot.keywords import asks_to_stop, keyword_event
from bot.language_words import fold, script_of
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
    "more": Intent.MORE,
    "yes": Intent.YES,
    "no": Intent.NO,
    "cart": Intent.CART,
    "checkout": Intent.CHECKOUT,
}
# Payloads that carry an argument: "add:12", "add:12:34", "remove:56".
PAYLOAD_PREFIXES = {"add:": Intent.ADD, "remove:": Intent.REMOVE}

# Checked in this order: a message that asks for a person and says hello asks for a person.
# A later intent's phrase wins only when it contains the earlier one's: "no, thanks" is a
# no, though "thanks" alone is thanks.
PHRASE_ORDER = (
    Intent.HUMAN,
    Intent.HELP,
    # "add to cart" adds and "remove from my cart" removes before "cart" shows the cart.
    Intent.CHECKOUT,
    Intent.ADD,
    Intent.REMOVE,
    Intent.CART,
    Intent.TRACK,
    Intent.ASK,
    Intent.MORE,
    Intent.BROWSE,
    Intent.LANGUAGE,
    Intent.MENU,
    Intent.THANKS,
    Intent.GREET,
    Intent.NO,
    Intent.YES,
)
# Small talk only counts when it is (nearly) the whole message: "hi, do you sell
# jackets?" is a question about jackets, not a greeting.
SHORT_ONLY = {
    Intent.GREET, Intent.THANKS, Intent.YES, Intent.NO, Intent.MENU, Intent.LANGUAGE, Intent.MORE,
}
# How many words beyond the phrase a short-only intent tolerates ("yes please thanks").
SHORT_SLACK: Final = 2
KEYWORD_INTENTS = {"stop": Intent.STOP, "start": Intent.START, "help": Intent.HELP}

# Scripts written without spaces between words: their phrases are found inside runs.
UNSPACED: Final = frozenset({"han", "kana", "thai"})
# Roughly how many letters make a word, to weigh unspaced text against a phrase.
LETTERS_PER_WORD: Final = {"han": 2, "kana": 3, "thai": 4}

# Emoji presentation selectors and the keycap mark: "1️⃣" is "1".
_INVISIBLE: Final = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u20e3\u200b\u200c\u200d\u2060"))
# Arabic as chats write it: short vowels and tatweel dropped, alef, yeh, teh marbuta
# and the Persian-keyboard kaf and yeh unified ("أنا", "انا", "إنا" are one word).
_ARABIC: Final = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ـ": None}
    | dict.fromkeys([chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"])
)


def fold_arabic(text: str) -> str:
    """Arabic as chats write it, one spelling per word ("أهلاً" and "اهلا" are one)."""
    return text.translate(_ARABIC)



def normalize(text: str) -> str:
    """Lower-case, Latin accents removed, punctuation folded to single spaces.

    Letters and marks of every script are kept: "ครับ", "ください" and "中文" survive
    whole; "Ｍｅｎú" is "menu"; "أهلاً" is "اهلا".
    """
    compat = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    folded = fold_arabic(fold(compat))
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in folded)
    return " ".join(kept.split())


def units(norm: str) -> int:
    """How many words a normalized text is worth; unspaced scripts count by letters."""
    total = 0
    for token in norm.split():
        counts: dict[str, int] = {}
        for ch in token:
            script = script_of(ch)
            if script in LETTERS_PER_WORD:
                counts[script] = counts.get(script, 0) + 1
        weighed = sum(n / LETTERS_PER_WORD[s] for s, n in counts.items())
        total += max(1, math.ceil(weighed))
    return total


def _unspaced(phrase: str) -> bool:
    return any(script_of(ch) in UNSPACED for ch in phrase)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every shipped lexicon's words, normalized and compiled."""

    keywords: dict[Intent, frozenset[str]]
    phrases: dict[Intent, tuple[re.Pattern[str], ...]]
    numbers: dict[str, int]  # "two", "dos", "二", "اتنين" → 2
    option_words: frozenset[str]  # may surround an option's number: "option", "番", "ค่ะ"
    spaced: tuple[str, ...] = ()  # number words and option words of several words, longest first
    affixes: tuple[str, ...] = ()  # option words of unspaced scripts, longest first


@cache
def lexicon() -> Lexicon:
    """Every shipped lexicon merged, compiled once."""
    keywords: dict[Intent, set[str]] = {}
    phrases: dict[Intent, list[str]] = {}
    numbers: dict[str, int] = {}
    option_words: set[str] = set()
    for path in sorted(LEXICON_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for name, words in data.get("keywords", {}).items():
            keywords.setdefault(KEYWORD_INTENTS[name], set()).update(normalize(w) for w in words)
        for name, words in data.get("phrases", {}).items():
            phrases.setdefault(Intent(name), []).extend(normalize(w) for w in words)
        for value, words in data.get("numbers", {}).items():
            numbers.update((normalize(w), int(value)) for w in words)
        option_words.update(normalize(w) for w in data.get("options", {}).get("words", ()))
    # A number word that is also a phrase ("hai": two in Vietnamese, hi in Indonesian)
    # keeps its meaning as a phrase: greeting a shop is not picking option 2.
    every_phrase = {p for words in phrases.values() for p in words}
    numbers = {word: value for word, value in numbers.items() if word not in every_phrase}
    compiled = {
        intent: tuple(
            re.compile(re.escape(p) if _unspaced(p) else rf"(?:^| ){re.escape(p)}(?: |$)")
            # Longer phrases first so "my order" outranks "order" in intent order ties.
            for p in sorted(set(words), key=len, reverse=True)
            if p
        )
        for intent, words in phrases.items()
    }
    option_words.discard("")
    spaced = sorted((w for w in {*numbers, *option_words} if " " in w), key=len, reverse=True)
    return Lexicon(
        {k: frozenset(v) for k, v in keywords.items()},
        compiled,
        numbers,
        frozenset(option_words),
        tuple(spaced),
        tuple(sorted((w for w in option_words if _unspaced(w)), key=len, reverse=True)),
    )


def from_payload(payload: str) -> Event:
    """A button's payload as an event."""
    if payload.startswith("lang:"):
        return Event(Intent.LANGUAGE, payload=payload, entities={"locale": payload[5:]})
    intent = PAYLOAD_INTENTS.get(payload)
    if intent is not None:
        return Event(intent, payload=payload)
    for prefix, intent in PAYLOAD_PREFIXES.items():
        if payload.startswith(prefix):
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
    return Event(_phrase_intent(norm, lex), text)


def _phrase_intent(norm: str, lex: Lexicon) -> Intent:
    """The intent a message's phrases signal, by PHRASE_ORDER.

    Small talk (SHORT_ONLY) counts only in short messages, and there the longest
    phrase wins, ties going by PHRASE_ORDER: "no thanks" declines, "ok thanks" thanks.
    """
    size = units(norm)
    best: tuple[int, Intent] | None = None
    for intent in PHRASE_ORDER:
        for pattern in lex.phrases.get(intent, ()):  # longest first
            match = pattern.search(norm)
            if match is None:
                continue
            if intent not in SHORT_ONLY:
                return intent
            length = units(match.group().strip())
            if size <= length + SHORT_SLACK and (best is None or length > best[0]):
                best = (length, intent)
            break
    return best[1] if best else Intent.UNKNOWN


def option_number(norm: str) -> int | None:
    """The number a shopper answers with: "2", "٢", "２", "two", "第二个", "ข้อ 2 ค่ะ"...

    Words such as "option", "number", "please" and polite particles may surround it
    (the lexicons' [options]); anything else means the message is not just a number.
    """
    lex = lexicon()
    return numbers.read(norm, lex.numbers, lex.option_words, lex.spaced, lex.affixes)


def _option(norm: str, options: Sequence[tuple[str, str]]) -> str | None:
    """The payload of the option the shopper picked by number or by its label."""
    if not options:
        return None
    index = option_number(norm)
    if index is not None:
        return options[index - 1][1] if 1 <= index <= len(options) else None
    for label, payload in options:
        if normalize(label) == norm:
            return payload
    return None
