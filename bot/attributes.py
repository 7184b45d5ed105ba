"""Colours and sizes named in a message, in any shipped language, as canonical values.

    find("tênis preto tamanho G")       → Attributes(colors=("black",), sizes=("l",))
    find("有没有黑色的M码")               → Attributes(colors=("black",), sizes=("m",))
    find("فستان احمر مقاس L")            → Attributes(colors=("red",), sizes=("l",))
    find("M", sizes_expected=True)      → Attributes(colors=(), sizes=("m",))

The words live in bot/lexicon/attributes.toml (its header describes the format), so a
shop adds a spelling without touching code. Canonical values are what catalog
attributes store: lower-case English colours ("black", "navy") and letter sizes
("xs" … "xxxl"). Numeric sizes (shoe sizes, "42") are left to the catalog, which
knows whether a number is a size or a quantity.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from bot.language_words import script_of
from bot.nlu import fold_arabic

__all__ = ["Attributes", "find", "normalize"]

TABLE: Final = Path(__file__).parent / "lexicon" / "attributes.toml"
# Scripts written without spaces: their words are found inside the text.
_UNSPACED: Final = frozenset({"han", "kana", "thai"})
# The Arabic article and the particles written onto it: "الاسود", "بالاحمر", "والابيض".
_ELISION: Final = re.compile(r"(?<!\w)[a-z]['’](?=\w)")
_ARTICLE: Final = re.compile(r"^(?:[وبفك]?ال|لل)(?=\w{2})")


@dataclass(frozen=True, slots=True)
class Attributes:
    """The colours and sizes a message names, canonical, in the order written."""

    colors: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()


def normalize(text: str) -> str:
    """Lower case, fullwidth folded, Arabic variants unified, accents kept; words spaced.

    A change of script starts a new word, so "M码" is "m 码" and "Lサイズ" is "l サイズ".
    """
    folded = fold_arabic(unicodedata.normalize("NFKC", text).casefold())
    # French and Italian elision: the "l" of "l'avez" is an article, not size L.
    folded = _ELISION.sub("", folded)
    out: list[str] = []
    previous = ""
    for char in folded:
        category = unicodedata.category(char)[0]
        if category not in "LMN":
            out.append(" ")
            previous = ""
            continue
        script = previous if category == "M" else _script(char)
        if previous and script != previous:
            out.append(" ")
        out.append(char)
        previous = script
    return " ".join(_strip_article(word) for word in "".join(out).split())


def _script(char: str) -> str:
    if char.isdigit():
        return "digit"
    script = script_of(char)
    return "cjk" if script in ("han", "kana") else script


def _strip_article(word: str) -> str:
    if script_of(word[0]) != "arabic":
        return word
    return _ARTICLE.sub("", word)


@dataclass(frozen=True, slots=True)
class _Table:
    colors: re.Pattern[str]
    sizes: re.Pattern[str]
    letters: re.Pattern[str]
    size_words: re.Pattern[str]
    canonical: dict[str, dict[str, str]]  # section → word → canonical value


def _pattern(words: list[str]) -> re.Pattern[str]:
    """One alternation, longest first ("azul marino" before "azul"), with word edges
    for spaced scripts."""
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        if any(script_of(ch) in _UNSPACED for ch in word):
            alternatives.append(re.escape(word))
        else:
            alternatives.append(rf"(?<!\S){re.escape(word)}(?!\S)")
    return re.compile("|".join(alternatives) or r"(?!)")


@cache
def _table() -> _Table:
    data = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    canonical: dict[str, dict[str, str]] = {}
    for section in ("colors", "sizes", "size_letters"):
        canonical[section] = {
            normalize(word): value
            for value, words in data.get(section, {}).items()
            for word in words
        }
    size_words = [normalize(w) for w in data.get("size_words", {}).get("words", ())]
    return _Table(
        colors=_pattern(list(canonical["colors"])),
        sizes=_pattern(list(canonical["sizes"])),
        letters=_pattern(list(canonical["size_letters"])),
        size_words=_pattern(size_words),
        canonical=canonical,
    )


def _found(pattern: re.Pattern[str], text: str, values: dict[str, str]) -> list[str]:
    return [values[m.group()] for m in pattern.finditer(text)]


def find(text: str, *, sizes_expected: bool = False) -> Attributes:
    """The colours and sizes `text` names.

    A letter code (S, M, L, P, G, GG...) counts only next to a word for "size" or when
    `sizes_expected` (the shopper was just asked for a size): alone, "P" is as likely
    an Indonesian "ping" as a Brazilian small.
    """
    table = _table()
    norm = normalize(text)
    colors = _found(table.colors, norm, table.canonical["colors"])
    sizes = _found(table.sizes, norm, table.canonical["sizes"])
    rest = table.sizes.sub(" ", norm)
    letters = _found(table.letters, rest, table.canonical["size_letters"])
    if letters and (sizes_expected or table.size_words.search(rest)):
        sizes += letters
    return Attributes(tuple(dict.fromkeys(colors)), tuple(dict.fromkeys(sizes)))
