"""SMS text helpers: GSM-7 detection, look-alike replacement, segment counting, splitting.

An SMS is billed and throttled per segment. A text that fits the GSM 03.38 alphabet
costs 160 characters for one segment and 153 per segment when concatenated; one
character outside it turns the whole message into UCS-2: 70, then 67 UTF-16 code units
per segment. So `to_gsm7` swaps typographic look-alikes (curly quotes, dashes, ellipsis,
odd spaces) for plain ones, but only when that makes the whole text GSM-7: a text that
needs UCS-2 anyway (ç, ã, emoji, Cyrillic) is left exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "LOOKALIKES",
    "MAX_MESSAGE_CHARS",
    "encoding",
    "is_gsm7",
    "segments",
    "split_sms",
    "split_text",
    "to_gsm7",
]

# GSM 03.38 default alphabet (the escape code 0x1B is left out: it is not a character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7 = GSM7_BASIC | GSM7_EXTENSION

# Twilio's own limit for one message's Body, whatever the channel.
MAX_MESSAGE_CHARS = 1600


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    groups = {
        "'": "\u2018\u2019\u201a\u201b\u2032\u2035\u02b9\u02bb\u02bc\u02bd\u00b4`",
        '"': "\u201c\u201d\u201e\u201f\u2033\u2036\u02ba\u00ab\u00bb",
        "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2022\u2043",
        " ": "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000",
        "\n": "\u2028\u2029",
        # Invisible format characters: they show nothing, yet one would force UCS-2.
        "": "\u00ad\u200b\u200c\u2060\ufeff",
    }
    for plain, fancy in groups.items():
        table.update(dict.fromkeys(fancy, plain))
    table.update(
        {"\u2026": "...", "\u2039": "<", "\u203a": ">", "\u2044": "/", "\u00d7": "x"}
        | {"\u02c6": "^", "\u02dc": "~", "\u00f7": "/"}
    )
    return table


# Non-GSM characters with a GSM spelling that reads the same. Letters are never here:
# "á" → "a" would change the word, so accented text keeps its accents (and UCS-2).
LOOKALIKES: dict[str, str] = _table()
_TRANSLATE = str.maketrans(LOOKALIKES)


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the GSM-7 alphabet (basic or extension)."""
    return all(c in _GSM7 for c in text)


def encoding(text: str) -> str:
    """The encoding an SMS carrying `text` uses: "gsm7" or "ucs2"."""
    return "gsm7" if is_gsm7(text) else "ucs2"


def to_gsm7(text: str) -> str:
    """`text` with look-alikes made GSM-7, if that makes all of it GSM-7; else `text` as is."""
    if is_gsm7(text):
        return text
    plain = text.translate(_TRANSLATE)
    return plain if is_gsm7(plain) else text


def _costs(text: str) -> tuple[list[int], int, int]:
    """Each character's size in its encoding's units, and the single/multi segment sizes."""
    if is_gsm7(text):
        return [2 if c in GSM7_EXTENSION else 1 for c in text], 160, 153
    # UCS-2 as phones send it is UTF-16: characters beyond the BMP take a surrogate pair.
    return [2 if ord(c) > 0xFFFF else 1 for c in text], 70, 67


def segments(text: str) -> int:
    """How many SMS segments `text` takes (0 for an empty text).

    Packs greedily as phones do: an escaped GSM character or a surrogate pair never
    straddles two segments, so a segment may end one unit short.
    """
    if not text:
        return 0
    costs, single, multi = _costs(text)
    if sum(costs) <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            count, used = count + 1, 0
        used += cost
    return count


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# Boundaries, best first. Each match's "cut" group is the whitespace the text is cut
# at: the part before it ends there, the next part starts after it.
_PARAGRAPH = re.compile(r"\S(?P<cut>[ \t]*\n[ \t]*\n\s*)")
_LINE = re.compile(r"\S(?P<cut>[ \t]*\n\s*)")
# Not after a digit: "1. Pizza" is an option line, not a sentence that ends.
_SENTENCE = re.compile(
    r"(?<!\d)[.!?\u2026\u3002\uff01\uff1f][\"')\]\u00bb\u201d\u2019]*(?P<cut>\s+)"
)
_SPACE = re.compile(r"\S(?P<cut>\s+)")


def _glued(text: str, index: int) -> bool:
    """Whether cutting before `text[index]` would tear a character from what it modifies."""
    c, before = text[index], text[index - 1]
    return (
        unicodedata.combining(c) != 0
        or unicodedata.category(c) in ("Mn", "Me")
        or c in "\u200d\ufe0e\ufe0f"
        or before == "\u200d"
        or 0x1F3FB <= ord(c) <= 0x1F3FF  # skin-tone modifiers
    )


def _cut_at(text: str, limit: int) -> tuple[int, int]:
    """Where to cut `text` whose first `limit` characters fit: (end of head, start of tail)."""
    window = text[: limit + 1]  # a boundary right after the limit still counts
    floor = limit // 2  # a structural cut in the first half would leave a stub part
    for pattern in (_PARAGRAPH, _LINE, _SENTENCE):
        cuts = [m.span("cut") for m in pattern.finditer(window) if floor <= m.start("cut")]
        cuts = [span for span in cuts if span[0] <= limit]
        if cuts:
            return cuts[-1]
    words = [m.span("cut") for m in _SPACE.finditer(window) if 0 < m.start("cut") <= limit]
    if words:
        return words[-1]
    # One "word" longer than a whole part (a long URL, a run of emoji): cut inside it,
    # but never between a character and its combining marks or joined emoji.
    end = limit
    while end > 1 and _glued(text, end):
        end -= 1
    return end, end


def _split(text: str, fits: Callable[[str], bool], most: int) -> list[str]:
    """Cut `text` into parts that each satisfy `fits`, at the best boundaries available."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if fits(rest):
            parts.append(rest)
            break
        # fits() is monotone in the prefix length, so binary-search the longest prefix.
        lo, hi = 1, min(len(rest) - 1, most)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(rest[:mid]):
                lo = mid
            else:
                hi = mid - 1
        head_end, tail_start = _cut_at(rest, lo)
        parts.append(rest[:head_end].rstrip())
        rest = rest[tail_start:].lstrip()
    return parts


def split_sms(text: str, max_segments: int = 4, max_chars: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split `text` into messages of at most `max_segments` SMS segments and `max_chars` each.

    Cuts at a paragraph, then a line, a sentence, a word; inside a word only when one
    word is longer than a whole message. Whitespace at the cuts is dropped; every other
    character is kept, in order. Each part is measured on its own, so a part without
    the text's one accented word may travel as GSM-7.
    """
    if max_segments < 1 or max_chars < 2:
        raise ValueError("max_segments must be >= 1 and max_chars >= 2")

    def fits(part: str) -> bool:
        return segments(part) <= max_segments and _utf16_len(part) <= max_chars

    return _split(text, fits, min(max_chars, max_segments * 160))


def split_text(text: str, max_chars: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split `text` into messages of at most `max_chars` UTF-16 units, as `split_sms` does."""
    if max_chars < 2:
        raise ValueError("max_chars must be >= 2")
    return _split(text, lambda part: _utf16_len(part) <= max_chars, max_chars)
