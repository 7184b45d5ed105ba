"""Which language a shopper writes in, and which one to answer in.

    choose(text, current=..., phone=..., hint=..., default=...)
      1. requested   "english please", "em português", "日本語で"   → that language
      2. detected    a real sentence, confidently recognised      → its language
      3. current     the conversation's language so far ("ok", "1", "👍" land here)
      4. script      a first short line in a script only one of our languages writes
                     ("مرحبا", "你好", "สวัสดี")
      5. hint        the channel's tag (Telegram `language_code`)
      6. phone       the main language of the number's country
      7. default     the shop's language

Every answer is a locale we ship (`bot.i18n.SUPPORTED`) or None; `detect` and
`requested` take a wider `supported` set so they can be tested on languages before
their catalogs exist.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import langdetect
from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from bot import i18n
from bot.language_phone import country_locales, country_of, from_phone
from bot.language_words import (
    LANGUAGE_NAMES,
    LEXICON,
    NEUTRAL,
    NOISE,
    SIMPLIFIED_ONLY,
    SWITCH_WORDS,
    TRADITIONAL_ONLY,
    fold,
    is_laughter,
    script_of,
    words,
)

__all__ = [
    "by_script",
    "choose",
    "country_locales",
    "country_of",
    "detect",
    "fold",
    "from_phone",
    "requested",
]

MIN_WORDS: Final = 3  # fewer words of letters prove nothing ("ok", "hi", "sim")
MIN_IDEOGRAPHS: Final = 4  # the same for Han, kana and Thai letters
# Tuned on tests/fixtures/language_lines.tsv and checked on lines it does not hold.
LEXICON_WEIGHT: Final = 3.0  # a line made only of one language's words scores 3
MIN_LEAD: Final = 0.1  # the best language's lead over the next, else we are unsure
# langdetect's prior for a language we do not ship: it tilts ambiguous lines towards
# ours, yet a real Italian sentence still comes out Italian (so None), not Spanish.
OTHER_PRIOR: Final = 1e-5
_PROFILES: Final = Path(langdetect.__file__).parent / "profiles"


def _supported(supported: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(i18n.SUPPORTED if supported is None else supported)


# ----------------------------------------------------------------- detection


def _letters_by_script(text: str) -> Counter[str]:
    return Counter(script_of(char) for char in text if unicodedata.category(char)[0] == "L")


def _han_variant(text: str) -> str:
    """zh_Hant when Traditional-only characters outnumber Simplified-only ones, else zh."""
    traditional = sum(char in TRADITIONAL_ONLY for char in text)
    simplified = sum(char in SIMPLIFIED_ONLY for char in text)
    return "zh_Hant" if traditional > simplified else "zh"


def _arabic_variant(text: str) -> str:
    """Persian and Urdu share Arabic's script but have letters of their own."""
    if any(char in "ٹڈڑںےہ" for char in text):
        return "ur"
    if any(char in "پژکی" for char in text):
        return "fa"
    return "ar"


@functools.lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    """A langdetect factory of its own: seeded, so one text always gets one answer."""
    factory = DetectorFactory()
    factory.load_profile(str(_PROFILES))
    factory.seed = 0  # per factory rather than DetectorFactory.seed: no global side effect
    return factory


def _langdetect(text: str, likely: frozenset[str]) -> dict[str, float]:
    """langdetect's probabilities, keyed by our tags ("zh-cn" → "zh").

    Languages in `likely` (the ones the shop speaks) get a higher prior: short chat lines
    are ambiguous, and a shopper is more likely to write Spanish than Catalan or
    Galician to a shop that answers in Spanish. Long texts overrule the prior.
    """
    factory = _factory()
    detector = factory.create()
    detector.set_prior_map(
        {code: 1.0 if code in likely else OTHER_PRIOR for code in factory.get_lang_list()}
    )
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return {}
    return {_LANGDETECT_TAGS.get(item.lang, item.lang): float(item.prob) for item in found}


_LANGDETECT_TAGS: Final = {"zh-cn": "zh", "zh-tw": "zh_Hant"}


@functools.lru_cache(maxsize=16)
def _likely(locales: tuple[str, ...]) -> frozenset[str]:
    """The langdetect codes of the supported locales."""
    return frozenset(
        code
        for code in _factory().get_lang_list()
        if i18n.negotiate(_LANGDETECT_TAGS.get(code, code), locales)
    )


def _lexicon(tokens: list[str]) -> dict[str, float]:
    """Share of tokens that are common words of each language; shared words count less."""
    scores: dict[str, float] = {}
    for token in tokens:
        owners = [lang for lang, common in LEXICON.items() if token in common]
        for lang in owners:
            scores[lang] = scores.get(lang, 0.0) + 1.0 / len(owners)
    return {lang: score / len(tokens) for lang, score in scores.items()}


def _detect_spaced(text: str, tokens: list[str], locales: tuple[str, ...]) -> str | None:
    """Add langdetect's probabilities to the lexicon's shares; None unless one clearly leads.

    On a five-word line langdetect is often certain and wrong (Danish for plain English,
    Tagalog for Indonesian), so the lexicon, which knows chat spellings, weighs more.
    """
    scores = _langdetect(text, _likely(locales))
    for lang, share in _lexicon(tokens).items():
        scores[lang] = scores.get(lang, 0.0) + LEXICON_WEIGHT * share
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return ranked[0][0] if ranked[0][1] - runner_up >= MIN_LEAD else None


def detect(text: str, supported: Iterable[str] | None = None) -> str | None:
    """Return the supported locale `text` is written in, or None if unsure or too short.

    Needs three words of letters, or four letters of a script without spaces (Han,
    kana, Thai). Scripts that belong to one language decide alone: kana → ja, Han → zh,
    Thai → th, Arabic → ar (unless Persian or Urdu letters show). Latin and the rest go
    to langdetect, seeded, joined with a lexicon of common words; laughter, "ok",
    numbers, emoji and links are not words.
    """
    locales = _supported(supported)
    clean = NOISE.sub(" ", text)
    scripts = _letters_by_script(clean)
    if not scripts:
        return None
    cjk = scripts["han"] + scripts["kana"]
    weighted = dict(scripts, han=2 * scripts["han"], kana=2 * scripts["kana"])
    dominant = max(weighted, key=lambda script: weighted[script])
    tag: str | None = None
    if dominant in ("han", "kana"):
        if cjk >= MIN_IDEOGRAPHS:
            tag = "ja" if scripts["kana"] else _han_variant(clean)
    elif dominant == "thai":
        tag = "th" if scripts["thai"] >= MIN_IDEOGRAPHS else None
    elif dominant == "hangul":
        tag = "ko" if scripts["hangul"] >= MIN_IDEOGRAPHS else None
    else:
        tokens = [
            word
            for word in (fold(w) for w in words(clean))
            if script_of(word[0]) == dominant and word not in NEUTRAL and not is_laughter(word)
        ]
        if len(tokens) < MIN_WORDS:
            return None
        if dominant == "arabic":
            tag = _arabic_variant(clean)
        else:
            tag = _detect_spaced(clean.lower(), tokens, locales)
    return i18n.negotiate(tag, locales) if tag else None


def by_script(text: str, supported: Iterable[str] | None = None) -> str | None:
    """Return the locale a line's script alone names, however short it is, or None.

    A line written only in Arabic, Thai, Han or kana letters can be one language only
    among ours ("مرحبا" is no English, "你好" no Spanish), where three Latin words are
    needed to tell English from Indonesian. Too weak to switch a conversation already
    under way, it comes before the channel's tag and the phone: a Saudi shopper on a
    US number who writes "مرحبا" reads Arabic.
    """
    scripts = _letters_by_script(NOISE.sub(" ", text))
    if len(scripts) != 1 and set(scripts) != {"han", "kana"}:
        return None
    if scripts["kana"]:
        tag = "ja"
    elif scripts["han"]:
        tag = _han_variant(text)
    else:
        tag = {"arabic": _arabic_variant(text), "thai": "th", "hangul": "ko"}.get(
            next(iter(scripts)), ""
        )
    return i18n.negotiate(tag, _supported(supported)) if tag else None


# ------------------------------------------------------------------ requests

_MAX_REQUEST_WORDS: Final = 8


@functools.lru_cache(maxsize=1)
def _request_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every language name and switch word, longest first."""
    names = {name: tag for tag, names in LANGUAGE_NAMES.items() for name in names}
    phrases = sorted(set(names) | SWITCH_WORDS, key=len, reverse=True)

    def alternative(phrase: str) -> str:
        # Latin and Arabic words must stand alone; Han, kana and Thai have no spaces.
        if script_of(phrase[0]) in ("han", "kana", "thai"):
            return re.escape(phrase)
        return r"(?<!\S)" + re.escape(phrase) + r"(?!\S)"

    return re.compile("|".join(alternative(p) for p in phrases)), names


def requested(text: str, supported: Iterable[str] | None = None) -> str | None:
    """Return the locale a shopper explicitly asks for ("english please", "日本語"), or None.

    The message must be about language only: a language's name, in any of our
    languages, and nothing else but words such as "please", "in", "can you speak",
    "hablas", "fala", "pakai", "で". Naming two languages is not a request.
    """
    runs = words(fold(text))
    if not runs or len(runs) > _MAX_REQUEST_WORDS:
        return None
    line = " ".join(runs)
    pattern, names = _request_pattern()
    named = {names[m.group()] for m in pattern.finditer(line) if m.group() in names}
    if len(named) != 1 or pattern.sub(" ", line).strip():
        return None
    return i18n.negotiate(named.pop(), _supported(supported))


# --------------------------------------------------------------------- choice


def choose(
    text: str,
    *,
    current: str | None = None,
    phone: str | None = None,
    hint: str | None = None,
    default: str = i18n.SOURCE_LOCALE,
    supported: Iterable[str] | None = None,
) -> tuple[str, str]:
    """Pick the locale to answer `text` in and say why: (locale, reason).

    reason is "requested", "detected", "current", "script", "hint", "phone" or
    "default", in that order of precedence; see the module docstring.
    """
    locales = _supported(supported)
    if locale := requested(text, locales):
        return locale, "requested"
    if locale := detect(text, locales):
        return locale, "detected"
    # A conversation's locale may predate a catalog's removal: negotiate it again.
    if current and (locale := i18n.negotiate(current, locales)):
        return locale, "current"
    if locale := by_script(text, locales):
        return locale, "script"
    if hint and (locale := i18n.negotiate(hint, locales)):
        return locale, "hint"
    if phone and (locale := from_phone(phone, locales)):
        return locale, "phone"
    return i18n.negotiate(default, locales) or default, "default"
