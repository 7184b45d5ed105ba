"""The in-process search index: inverted lists of BM25 weights, and a typo index.

Built from the whole catalog in one pass (`Index.build`) and never changed after, so
any number of threads may read it while a new one is built. Every term's list holds
each product's finished BM25 contribution (idf and length normalisation included),
so answering a query is adding up a few dictionaries.

Scoring, best first:
1. coverage: how many of the query's words a product matches; only the products
   that match the most of them are results ("waterproof jacket" lists waterproof
   jackets, not every jacket, unless no jacket is waterproof);
2. BM25 over the fields below, weighted by where a word is found;
3. products out of stock a little lower, then the lower id (a stable order).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from typing import Any

from bot.catalog.query import SIZE_KEYS, Query, size_term
from bot.catalog.text import analyze, expand, fold, lexicon
from bot.catalog.typos import TypoIndex

# Where a word is found says how much it tells about the product.
BOOST = {"title": 3.0, "category": 2.0, "tags": 2.0, "attributes": 2.0, "options": 1.5,
         "description": 1.0}
# A light length normalisation: a title in three languages is no less about its subject.
K1, B = 1.2, 0.3
TYPO_WEIGHT = 0.8  # a corrected word counts a little less than a word as written
OUT_OF_STOCK = 0.7  # still listed, and said so, but after what can be bought now

Limits = Callable[[str], tuple[Decimal | None, Decimal | None]]


@dataclass(frozen=True, slots=True)
class VariantRecord:
    """What the index reads of a variant."""

    id: int
    options: Mapping[str, Any]
    price: Decimal | None
    stock: int | None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Record:
    """What the index reads of a product."""

    id: int
    title: Mapping[str, str]
    price: Decimal
    currency: str
    stock: int | None = None
    description: Mapping[str, str] | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    attributes: Mapping[str, Any] | None = None
    variants: tuple[VariantRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """A product as the index keeps it: prices, stock, and its variants' terms."""

    id: int
    currency: str
    price_min: Decimal
    price_max: Decimal
    in_stock: bool
    variants: tuple[tuple[int, bool, frozenset[str]], ...] = ()  # (id, in stock, terms)


@dataclass(frozen=True, slots=True)
class Match:
    """One product found, with the variant the query pointed at."""

    product_id: int
    variant_id: int | None
    score: float
    in_stock: bool


@dataclass
class Plan:
    """A query as the index reads it.

    A product must match a term of each required group to fully match; optional groups
    (bare numbers) only add to the score. `answerable` is false when the shopper named
    something this catalog has none of ("umbrella" in a shop without umbrellas);
    `dropped` counts words neither known nor near a known word.
    """

    required: list[dict[str, float]] = field(default_factory=list)
    optional: list[dict[str, float]] = field(default_factory=list)
    answerable: bool = True
    dropped: int = 0


@dataclass(frozen=True, slots=True)
class Found:
    """A page of matches, how many products match in all, and whether every word matched."""

    matches: list[Match]
    total: int
    complete: bool


@dataclass
class Index:
    """Inverted lists of one catalog, with the words it holds for typo correction."""

    entries: dict[int, Entry] = field(default_factory=dict)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    typos: TypoIndex = field(default_factory=TypoIndex)

    def __len__(self) -> int:
        return len(self.entries)

    # -- building ------------------------------------------------------------------

    @classmethod
    def build(cls, records: Iterable[Record]) -> Index:
        """Index every product of `records` (inactive ones should be left out)."""
        index = cls()
        fields: dict[int, dict[str, float]] = {}
        lengths: dict[int, float] = {}
        surfaces: set[str] = set()
        for rec in records:
            terms, length = _terms(rec, surfaces)
            fields[rec.id], lengths[rec.id] = terms, length
            index.entries[rec.id] = _entry(rec)
        count = len(fields) or 1
        average = (sum(lengths.values()) / count) or 1.0
        df = Counter(chain.from_iterable(fields.values()))
        idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        for doc, weights in fields.items():
            norm = K1 * (1 - B + B * lengths[doc] / average)
            for term, tf in weights.items():
                index.postings.setdefault(term, {})[doc] = idf[term] * tf * (K1 + 1) / (tf + norm)
        index.typos = TypoIndex.build(surfaces | lexicon().concept_words())
        return index

    # -- searching -----------------------------------------------------------------

    def plan(self, query: Query) -> Plan:
        """The query as groups of alternative terms this catalog holds."""
        plan = Plan()
        for token in query.tokens:
            if token.number:
                group = {t: 1.0 for t in (token.surface, "size:" + token.surface)
                         if t in self.postings}
                if group:
                    plan.optional.append(group)
                continue
            if token.concept:
                for term in token.terms:
                    if term in self.postings:
                        plan.required.append({term: 1.0})
                    else:
                        plan.answerable = False
                continue
            term = token.terms[0]
            if term in self.postings:
                plan.required.append({term: 1.0})
                continue
            fixed = self._correct(token.surface)
            if fixed:
                plan.required.append(fixed)
            else:
                plan.dropped += 1
        for size in query.sizes:
            plan.required.append({size: 1.0})  # a size nobody stocks leaves products unmatched
        return plan

    def _correct(self, word: str) -> dict[str, float]:
        """The terms of the closest known words to a word the catalog lacks."""
        out: dict[str, float] = {}
        for candidate in self.typos.lookup(word):
            for token in analyze(candidate):
                for term in token.terms:
                    if term in self.postings:
                        out[term] = TYPO_WEIGHT
        return out

    def search(self, query: Query, limits: Limits, limit: int, offset: int) -> Found:
        """The page of matches for `query`, and how many products match in all."""
        plan = self.plan(query)
        if not plan.answerable or (not plan.required and query.tokens):
            return Found([], 0, False)
        candidates, complete = self._candidates(plan.required)
        if query.price_min is not None or query.price_max is not None:
            candidates = self._priced(candidates, limits)
        total = len(candidates)
        if not total:
            return Found([], 0, False)
        groups = plan.required + plan.optional
        if groups:
            scored = ((self._score(d, groups), d) for d in candidates)
        else:  # limits only ("under 50"): cheapest first
            scored = ((-float(self.entries[d].price_min), d) for d in candidates)
        best = heapq.nlargest(offset + limit, scored, key=lambda sd: (sd[0], -sd[1]))
        page = [self._match(d, max(score, 0.0), groups) for score, d in best[offset:]]
        return Found(page, total, complete and not plan.dropped)

    def _candidates(self, required: list[dict[str, float]]) -> tuple[Iterable[int], bool]:
        """The products matching the most groups, and whether they match them all."""
        if not required:
            return self.entries.keys(), True
        sets = [_docs(self.postings, g) for g in required]
        if len(sets) == 1:
            return sets[0], True
        every = set.intersection(*sets)
        if every:
            return every, True
        counts = Counter(chain.from_iterable(sets))
        most = max(counts.values())
        return [d for d, n in counts.items() if n == most], False

    def _priced(self, candidates: Iterable[int], limits: Limits) -> list[int]:
        by_currency: dict[str, tuple[Decimal | None, Decimal | None]] = {}
        kept = []
        for d in candidates:
            entry = self.entries[d]
            if entry.currency not in by_currency:
                by_currency[entry.currency] = limits(entry.currency)
            low, high = by_currency[entry.currency]
            if (high is None or entry.price_min <= high) and (
                low is None or entry.price_max >= low
            ):
                kept.append(d)
        return kept

    def _score(self, doc: int, groups: list[dict[str, float]]) -> float:
        score = 0.0
        postings = self.postings
        for group in groups:
            score += max((w * postings[t].get(doc, 0.0) for t, w in group.items()), default=0.0)
        return score if self.entries[doc].in_stock else score * OUT_OF_STOCK

    def _match(self, doc: int, score: float, groups: list[dict[str, float]]) -> Match:
        entry = self.entries[doc]
        wanted = [set(g) for g in groups]
        best: tuple[int, bool, int] | None = None
        for vid, stocked, terms in entry.variants:
            hits = sum(1 for g in wanted if g & terms)
            if hits and (best is None or (hits, stocked) > (best[0], best[1])):
                best = (hits, stocked, vid)
        if best is None:
            return Match(doc, None, score, entry.in_stock)
        return Match(doc, best[2], score, best[1])


def _docs(postings: dict[str, dict[int, float]], group: dict[str, float]) -> set[int]:
    keys = [postings[t].keys() for t in group if t in postings]
    return set(keys[0]) if len(keys) == 1 else set().union(*keys)


def _stocked(stock: int | None) -> bool:
    return stock is None or stock > 0


def _entry(rec: Record) -> Entry:
    live = [v for v in rec.variants if v.active]
    prices = [v.price if v.price is not None else rec.price for v in live] or [rec.price]
    variants = tuple(
        (v.id, _stocked(v.stock), frozenset(_option_terms(v.options))) for v in live
    )
    stocked = any(s for _, s, _ in variants) if variants else _stocked(rec.stock)
    return Entry(rec.id, rec.currency.upper(), min(prices), max(prices), stocked, variants)


def _option_terms(options: Mapping[str, Any]) -> list[str]:
    terms: list[str] = []
    for key, value in options.items():
        text = str(value)
        if fold(key) in SIZE_KEYS:
            terms.append(size_term(text))
            continue
        for token in analyze(text):
            terms.extend(expand(token.terms))
    return terms


def _texts(value: Any) -> list[str]:
    """Every string in a field: a string, the values of a {locale: text}, a list's items."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    return [str(value)]


def _attribute_texts(attributes: Mapping[str, Any] | None) -> list[str]:
    out: list[str] = []
    for key, value in (attributes or {}).items():
        if value is True:  # {"waterproof": true} says "waterproof"; false says nothing
            out.append(key.replace("_", " "))
        elif fold(key) in SIZE_KEYS:
            continue  # sizes are terms of their own, below
        else:
            out.extend(_texts(value))
    return out


def _terms(rec: Record, surfaces: set[str]) -> tuple[dict[str, float], float]:
    """The product's terms with their weight (the sum of the boosts of fields holding
    them), and its length for BM25, from every language of every field."""
    texts = {
        "title": _texts(rec.title),
        "category": _texts(rec.category),
        "tags": _texts(list(rec.tags)),
        "attributes": _attribute_texts(rec.attributes),
        "description": _texts(rec.description),
    }
    found: dict[str, set[str]] = {name: set() for name in BOOST}
    for name, strings in texts.items():
        for text in strings:
            for token in analyze(text):
                found[name].update(expand(token.terms))
                if not token.number and " " not in token.surface:
                    surfaces.add(token.surface)
    for key, value in (rec.attributes or {}).items():
        if fold(key) in SIZE_KEYS:
            found["attributes"].update(size_term(v) for v in _texts(value))
    for variant in rec.variants:
        if variant.active:
            found["options"].update(_option_terms(variant.options))
    weights: dict[str, float] = {}
    length = 0.0
    for name, terms in found.items():
        boost = BOOST[name]
        length += boost * len(terms)
        for term in terms:
            weights[term] = weights.get(term, 0.0) + boost
    return weights, length
