"""Reading the number a shopper answers a numbered option with, in any script or word.

"2", "٢" (Arabic-Indic), "۲" (Persian), "๒" (Thai), fullwidth "２" (folded by
`bot.nlu.normalize`), number words from the lexicons ("two", "dos", "اثنين", "สอง"),
and CJK numerals (一 … 九十九), with courtesy around them: "option 2 please",
"ข้อ 2 ค่ะ", "2番でお願いします".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from functools import cache
from typing import Final

from bot.language_words import script_of

__all__ = ["read"]

# Scripts written without spaces: option words are peeled off their runs.
_UNSPACED: Final = frozenset({"han", "kana", "thai"})
_DIGIT_EDGE: Final = re.compile(r"(?<=\d)(?=[^\d\s])|(?<=[^\d\s])(?=\d)")


def read(
    norm: str,
    words: Mapping[str, int],
    option_words: Set[str],
    spaced: Sequence[str] = (),
    affixes: Sequence[str] = (),
) -> int | None:
    """The one number in a normalized message that says nothing else, or None.

    `words` are number words ("two" → 2); `option_words` may surround the number
    ("option", "please", "ค่ะ"); `spaced` lists those of several words ("dua belas",
    "s il vous plait"), longest first; `affixes` the option words of unspaced scripts,
    peeled off the ends of a run ("第二个" → "二"), longest first.
    """
    # Spaced phrases first: "dua belas" is 12 and "s'il vous plaît" is one courtesy.
    for phrase in spaced:
        if phrase in words:
            norm = _whole(phrase).sub(f" {words[phrase]} ", norm)
        else:
            norm = _whole(phrase).sub(" ", norm)
    found: list[int] = []
    for token in _DIGIT_EDGE.sub(" ", norm).split():
        token = _strip_affixes(token, affixes)
        if not token or token in option_words:
            continue
        value = _number(token, words)
        if value is None:
            return None
        found.append(value)
    return found[0] if len(found) == 1 else None


@cache
def _whole(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^| ){re.escape(phrase)}(?= |$)")


def _strip_affixes(token: str, affixes: Sequence[str]) -> str:
    """Peel option words off the ends of an unspaced run: "第二个" → "二", "สองค่ะ" → "สอง"."""
    if not any(script_of(ch) in _UNSPACED for ch in token):
        return token
    changed = True
    while token and changed:
        changed = False
        for affix in affixes:
            if token != affix and token.startswith(affix):
                token, changed = token[len(affix):], True
            elif token != affix and token.endswith(affix):
                token, changed = token[: -len(affix)], True
    return token


_CJK_DIGITS: Final = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}


def _number(token: str, words: Mapping[str, int]) -> int | None:
    """A token's value as a whole number: digits of any script, a number word, CJK numerals."""
    if token.isdecimal():  # Arabic-Indic "٢", Thai "๒" and ASCII digits alike
        return int(token) if len(token) <= 3 else None
    if token in words:
        return words[token]
    return _cjk_number(token)


def _cjk_number(token: str) -> int | None:
    """一 … 九十九 written with CJK numerals ("十二" is 12, "二十" is 20), else None."""
    if not token or any(ch not in _CJK_DIGITS and ch != "十" for ch in token):
        return None
    if "十" not in token:
        return _CJK_DIGITS[token] if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CJK_DIGITS[tens] if tens else 1) * 10 + (_CJK_DIGITS[ones] if ones else 0)
