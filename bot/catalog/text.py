"""Text for product search: folding, words, light stemming and the cross-language concepts.

Catalog text and shoppers' queries go through the same `analyze()`, so whatever one
side writes ("Zapatillas rojas", "tênis vermelho", "red sneakers") the other side
meets it as the same terms:

    "Tênis de corrida vermelhos" → fold → tenis de corrida vermelhos
      → phrases and concepts (bot/catalog/words.toml) → @sneaker @running @red

A word that is no concept becomes its stem: plural and gender endings of English,
Spanish and Portuguese removed by one set of rules ("chaquetas", "chaqueta" → "chaquet").
The rules need not be good linguistics, only the same on both sides.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORDS_FILE = Path(__file__).with_name("words.toml")
CONCEPT = "@"  # concept terms start with it; stems never do
_SPLIT = re.compile(r"[^\w]+|_")


def fold(text: str) -> str:
    """Lower-case `text` and remove accents: "Impermeável" → "impermeavel"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_aligned(text: str) -> str:
    """`text` lower-cased without accents, one character for each of `text`'s.

    Positions in the result are positions in `text`: patterns are matched on this and
    the matched parts cut out of the original, accents intact ("lã" must stay "lã").
    """
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        lowered = base.lower()
        out.append(lowered if len(lowered) == 1 else base)
    return "".join(out)


@functools.lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word)


def words(text: str) -> list[tuple[str, str]]:
    """The words of `text`, each as (lower-case with accents, folded)."""
    lowered = unicodedata.normalize("NFC", text.casefold())
    return [(w, _fold_word(w)) for w in _SPLIT.split(lowered) if w]


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A folded word without its plural or gender ending (rules for en, es and pt)."""
    if len(word) < 4 or word.isdigit():
        return word
    if word.endswith("oes") and len(word) > 5:  # pt: botões → botao
        word = word[:-3] + "ao"
    elif word.endswith("ies") and len(word) > 4:  # en: batteries → battery
        word = word[:-3] + "y"
    elif word.endswith("ns") and len(word) > 4:  # pt: itens → item
        word = word[:-2] + "m"
    elif word.endswith("es") and len(word) > 4 and word[-3] in "lnrsxzdj":
        word = word[:-2]  # es/en: colores → color, boxes → box
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aeo":  # rojo, roja → roj; shoe → sho
        word = word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Token:
    """One word or phrase of analyzed text and the terms it stands for."""

    surface: str  # folded, as written
    terms: tuple[str, ...]  # concepts ("@red") or one stem
    concept: bool
    number: bool = False
    # The stem of a one-word concept as written: "windbreaker" is a jacket, and more.
    literal: str | None = None


@dataclass(frozen=True)
class Lexicon:
    """The concepts, phrases, parents and stopwords of words.toml, ready for lookups."""

    phrases: dict[tuple[str, ...], tuple[str, ...]]  # folded words → concepts
    exact: dict[str, tuple[str, ...]]  # one lower-case accented word → concepts
    folded: dict[str, tuple[str, ...]]  # one folded word → concepts
    stems: dict[str, tuple[str, ...]]  # the stem of a folded word of 4+ letters → concepts
    parents: dict[str, tuple[str, ...]]  # concept → broader concepts, transitively
    stopwords: frozenset[str]
    names: dict[str, dict[str, str]]  # concept → locale → the word to show
    longest: int
    starts: frozenset[str] = frozenset()  # first words of phrases
    # Words already analyzed: catalogs repeat their words, so indexing is mostly lookups.
    memo: dict[tuple[str, str], Token | None] = field(default_factory=dict, compare=False,
                                                      repr=False)

    def concept_words(self) -> set[str]:
        """Every single folded word the lexicon knows, for typo correction."""
        known = set(self.folded) | set(self.stopwords)
        for phrase in self.phrases:
            known.update(phrase)
        return {w for w in known if not w.isdigit()}

    def name(self, concept: str, locale: str) -> str | None:
        """How `locale` writes a concept ("@red" in es → "rojo"), if it has a word for it."""
        names = self.names.get(concept.removeprefix(CONCEPT), {})
        return names.get(locale) or names.get(locale.split("_")[0]) or names.get("en")


@functools.cache
def lexicon() -> Lexicon:
    """The shipped lexicon (bot/catalog/words.toml), read once per process."""
    return build_lexicon(tomllib.loads(WORDS_FILE.read_text(encoding="utf-8")))


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    """A Lexicon from words.toml's structure (tests build small ones)."""
    stopwords = frozenset(fold(w) for ws in _table(data, "stopwords").values() for w in ws)
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    exact: dict[str, tuple[str, ...]] = {}
    folded: dict[str, tuple[str, ...]] = {}
    stems: dict[str, tuple[str, ...]] = {}
    names: dict[str, dict[str, str]] = {}

    def add(text: str, concepts: tuple[str, ...]) -> None:
        parts = words(text)
        if len(parts) > 1:
            phrases[tuple(f for _, f in parts)] = concepts
            # Plural phrases too: "linternas frontales", "jaquetas corta-vento".
            for variant in itertools.product(*(_plurals(f) for _, f in parts)):
                phrases.setdefault(variant, concepts)
            return
        raw, flat = parts[0]
        exact[raw] = concepts
        # "lã" folds to "la", a Spanish article: such words are matched only as written.
        if flat not in stopwords:
            folded.setdefault(flat, concepts)
            # Plurals the stemmer reads otherwise: boné → bonés, reloj → relojes.
            folded.setdefault(flat + "s", concepts)
            if flat[-1] not in "aeiou":
                folded.setdefault(flat + "es", concepts)
            # Stems meet stems only: "capa" must not become "cap" (a hat).
            if len(flat) >= 4:
                stems.setdefault(stem(flat), concepts)

    for name, by_locale in _table(data, "concepts").items():
        concept = (CONCEPT + name,)
        for locale, ws in by_locale.items():
            names.setdefault(name, {}).setdefault(locale, ws[0])
            for w in ws:
                add(w, concept)
    for text, concepts in _table(data, "phrases").items():
        add(text, tuple(CONCEPT + c for c in concepts))
    direct = {CONCEPT + k: CONCEPT + str(v) for k, v in _table(data, "parents").items()}
    parents: dict[str, tuple[str, ...]] = {}
    for child in direct:
        chain, seen = [], child
        while seen in direct and direct[seen] not in chain:
            seen = direct[seen]
            chain.append(seen)
        parents[child] = tuple(chain)
    longest = max((len(p) for p in phrases), default=1)
    starts = frozenset(p[0] for p in phrases)
    return Lexicon(phrases, exact, folded, stems, parents, stopwords, names, longest, starts)


def _plurals(flat: str) -> tuple[str, ...]:
    """A folded word and the plural forms shoppers write for it (en, es, pt)."""
    if len(flat) < 3 or flat.isdigit():
        return (flat,)
    if flat[-1] in "aeiou":
        return (flat, flat + "s")
    return (flat, flat + "s", flat + "es")


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    return value if isinstance(value, dict) else {}


def analyze(text: str, lex: Lexicon | None = None) -> list[Token]:
    """The tokens of `text`: phrases and words as concepts, other words as stems.

    Stopwords are dropped; single letters survive only inside a phrase ("t-shirt",
    "prova d'água").
    """
    lex = lex or lexicon()
    parts = words(text)
    tokens: list[Token] = []
    i, count = 0, len(parts)
    while i < count:
        if parts[i][1] in lex.starts:
            for size in range(min(lex.longest, count - i), 1, -1):
                key = tuple(f for _, f in parts[i : i + size])
                if key in lex.phrases:
                    tokens.append(Token(" ".join(key), lex.phrases[key], True))
                    i += size
                    break
            else:
                size = 0
            if size:
                continue
        raw, flat = parts[i]
        i += 1
        memo = lex.memo.get((raw, flat), _UNSEEN)
        if memo is _UNSEEN:
            memo = lex.memo[(raw, flat)] = _word(raw, flat, lex)
            if len(lex.memo) > MEMO_LIMIT:  # shoppers' typos must not grow it forever
                lex.memo.clear()
        if memo is not None:
            tokens.append(memo)  # type: ignore[arg-type]
    return tokens


_UNSEEN = object()
MEMO_LIMIT = 500_000


def _word(raw: str, flat: str, lex: Lexicon) -> Token | None:
    if raw in lex.exact:
        return Token(flat, lex.exact[raw], True, literal=stem(flat))
    if flat.isdigit():
        return Token(flat, (flat,), False, number=True)
    if flat in lex.stopwords or len(flat) < 2:
        return None
    concepts = lex.folded.get(flat) or (lex.stems.get(stem(flat)) if len(flat) >= 4 else None)
    if concepts:
        return Token(flat, concepts, True, literal=stem(flat))
    return Token(flat, (stem(flat),), False)


def expand(terms: tuple[str, ...], lex: Lexicon | None = None) -> tuple[str, ...]:
    """`terms` with the broader concepts they imply (boots are shoes): for catalog text."""
    lex = lex or lexicon()
    out = list(terms)
    for term in terms:
        out.extend(p for p in lex.parents.get(term, ()) if p not in out)
    return tuple(out)
