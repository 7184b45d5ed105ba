"""Right-to-left text that reads correctly on WhatsApp, Telegram and SMS phones.

An Arabic reply mixes right-to-left words with left-to-right runs: prices, order
numbers, tracking codes, URLs, product and shop names in Latin script. Phones lay a
message out with the Unicode bidirectional algorithm (UAX #9), which guesses each
paragraph's direction from its first strong letter and moves neutral characters
(digits' punctuation, "+", "#", ":", spaces) to whichever side their neighbours pull
them. Left alone, "رقم طلبك #1042-A." can show as "A-1042# رقم طلبك." and a numbered
option "1. English" in an Arabic list turns into a left-aligned English line.

Two fixes, applied in one place each:
- every value substituted into an RTL message is wrapped in FIRST STRONG ISOLATE …
  POP DIRECTIONAL ISOLATE (`isolate`): inside, it keeps its own direction; outside, it
  moves as one unit, so "#1042-A" stays whole (`bot.i18n.gettext` does this);
- every paragraph of an RTL message starts with a RIGHT-TO-LEFT MARK (`rtl_lines`),
  so its direction does not depend on whether it happens to begin with a name, a
  number or an isolate (which some apps' direction guess does not skip), and each
  numbered option line is `RLM + "1. " + isolate(label)` (`option_line`).

Whether a text is RTL is read from the text itself (`is_rtl`), so channel renderers
need no locale. Pure: no imports from `bot/`.
"""

from __future__ import annotations

import unicodedata
from typing import Final

__all__ = [
    "FSI",
    "LRM",
    "PDI",
    "RLM",
    "first_strong",
    "is_rtl",
    "isolate",
    "option_line",
    "rtl_lines",
]

RLM: Final = "\u200f"  # RIGHT-TO-LEFT MARK: a strong RTL character that shows nothing
LRM: Final = "\u200e"  # LEFT-TO-RIGHT MARK
FSI: Final = "\u2068"  # FIRST STRONG ISOLATE: direction from the first strong letter inside
LRI: Final = "\u2066"  # LEFT-TO-RIGHT ISOLATE
RLI: Final = "\u2067"  # RIGHT-TO-LEFT ISOLATE
PDI: Final = "\u2069"  # POP DIRECTIONAL ISOLATE: ends the innermost isolate
_OPENERS: Final = frozenset((FSI, LRI, RLI))


def first_strong(text: str) -> str | None:
    """The direction of the first strong character outside isolates: "L", "R" or None.

    This is how UAX #9 (rules P2 and P3) picks a paragraph's direction: digits and
    punctuation are not strong; Arabic and Hebrew letters (and RLM) are "R"; Latin,
    Han, Thai... letters (and LRM) are "L"; text between an isolate opener and its PDI
    is skipped.
    """
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
            continue
        if char == PDI:
            depth = max(depth - 1, 0)
            continue
        if depth:
            continue
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return None


def is_rtl(text: str) -> bool:
    """Whether `text` reads right to left: its first strong character is Arabic or Hebrew."""
    return first_strong(text) == "R"


def isolate(text: str) -> str:
    """`text` wrapped in FSI … PDI, so it keeps its direction and moves as one unit.

    Empty text and text that is already one whole isolate come back unchanged. A
    stray PDI inside `text` would close our isolate early, so unbalanced isolate
    characters are removed first. An isolate ends at a line break, so each line of a
    multi-line text is isolated on its own.
    """
    if "\n" in text:
        return "\n".join(isolate(line) for line in text.split("\n"))
    if not text or _is_one_isolate(text):
        return text
    return FSI + _balanced(text) + PDI


def rtl_lines(text: str) -> str:
    """`text` with an RLM at the start of every line that does not begin with an RTL letter.

    Each line is a paragraph to the bidi algorithm; the mark makes it right-to-left
    whatever comes first (a name, a digit, an isolate, an emoji).
    """
    lines = text.split("\n")
    return "\n".join(_rtl_line(line) for line in lines)


def option_line(number: int, label: str, *, rtl: bool) -> str:
    """A numbered option, "1. Label"; in an RTL message the number sits on the right.

    The label is isolated so a Latin label ("English", "iPhone 15") in an Arabic list
    neither flips the line to left-to-right nor pulls the "1." to its side.
    """
    if not rtl:
        return f"{number}. {label}"
    return f"{RLM}{number}. {isolate(label)}"


def _rtl_line(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped[0] == RLM:
        return line
    if unicodedata.bidirectional(stripped[0]) in ("R", "AL"):
        return line
    return RLM + line


def _is_one_isolate(text: str) -> bool:
    """Whether `text` is a single isolate from its first to its last character."""
    if text[0] not in _OPENERS or text[-1] != PDI:
        return False
    depth = 0
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth == 0:
                return index == len(text) - 1
    return False


def _balanced(text: str) -> str:
    """`text` with every PDI that closes nothing, and every opener left open, removed."""
    kept: list[str] = []
    open_at: list[int] = []
    for char in text:
        if char in _OPENERS:
            open_at.append(len(kept))
        elif char == PDI:
            if not open_at:
                continue
            open_at.pop()
        kept.append(char)
    for index in reversed(open_at):
        del kept[index]
    return "".join(kept)
