"""The in-process search index: inverted lists of BM25 weights, and a typo index.

Built from the whole catalog in one pass (`Index.build`) and never changed after, so
any number of threads may read it while a new one is built. Every term's list holds
each product's finished contribution (idf, length normalisation and the stock
factor included), so answering a query is adding up a few dictionaries.

Ranking, best first:
1. coverage: how many of the query's words a product matches; only the products
   that match the most of them are results ("waterproof jacket" lists waterproof
   jackets, not every jacket, unless no jacket is waterproof);
2. BM25 over the product's fields, weighted by where a word is found
   (bot/catalog/records.py), with the very word of a concept as a bonus;
3. products out of stock, and products for an audience the shopper did not name
   (kids, women, men), a little lower; then the lower id, for a stable order.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, repeat
from operator import add, mul

from bot.catalog.entries import Entry, Prices, entry
from bot.catalog.query import Query
from bot.catalog.records import Record, terms
from bot.catalog.text import analyze, lexicon
from bot.catalog.typos import TypoIndex

# A light length normalisation: a title in three languages is no less about its subject.
K1, B = 1.2, 0.3
TYPO_WEIGHT = 0.8  # a corrected word counts a little less than a word as written
LITERAL_WEIGHT = 0.5  # the very word of a concept, found as written, ranks higher
OUT_OF_STOCK = 0.7  # still listed, and said so, but after what can be bought now
# Products for one audience come after general ones unless the shopper names it:
# "waterproof jacket" lists the adults' jacket before the kids' one.
AUDIENCES = frozenset({"@kids", "@women", "@men"})
OTHER_AUDIENCE = 0.8

Limits = Callable[[str], tuple[Decimal | None, Decimal | None]]
Group = dict[str, float]  # alternative terms, by weight


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
    (bare numbers, the very words of concepts) only add to the score. `answerable` is
    false when the shopper named something this catalog has none of ("umbrella" in a
    shop without umbrellas); `dropped` counts words neither known nor near a known word.
    """

    required: list[Group] = field(default_factory=list)
    optional: list[Group] = field(default_factory=list)
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
    audiences: dict[int, frozenset[str]] = field(default_factory=dict)  # only products with one
    prices: dict[str, Prices] = field(default_factory=dict)  # by currency

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def build(cls, records: Iterable[Record]) -> Index:
        """Index every product of `records` (inactive ones should be left out)."""
        index = cls()
        postings = index.postings
        lengths: dict[int, float] = {}
        surfaces: set[str] = set()
        shared: dict[frozenset[str], frozenset[str]] = {}  # variants repeat their options
        for rec in records:
            weights, lengths[rec.id] = terms(rec, surfaces)
            for term, tf in weights.items():  # raw weights first; BM25 once all are known
                postings.setdefault(term, {})[rec.id] = tf
            index.entries[rec.id] = entry(rec, shared)
            audience = AUDIENCES.intersection(weights)
            if audience:
                index.audiences[rec.id] = frozenset(audience)
        count = len(lengths) or 1
        average = (sum(lengths.values()) / count) or 1.0
        norm = {
            doc: K1 * (1 - B + B * length / average) for doc, length in lengths.items()
        }
        factor = {doc: 1.0 if e.in_stock else OUT_OF_STOCK for doc, e in index.entries.items()}
        for plist in postings.values():
            idf = math.log(1 + (count - len(plist) + 0.5) / (len(plist) + 0.5))
            for doc, tf in plist.items():
                plist[doc] = idf * tf * (K1 + 1) / (tf + norm[doc]) * factor[doc]
        index.prices = Prices.of(index.entries.values())
        index.typos = TypoIndex.build(surfaces, base=lexicon_typos())
        return index

    def plan(self, query: Query) -> Plan:
        """The query as groups of alternative terms this catalog holds."""
        plan = Plan()
        postings = self.postings
        for token in query.tokens:
            if token.number:
                group = {t: 1.0 for t in (token.surface, "size:" + token.surface)
                         if t in postings}
                if group:
                    plan.optional.append(group)
            elif token.concept:
                for term in token.terms:
                    if term in postings:
                        plan.required.append({term: 1.0})
                    else:
                        plan.answerable = False
                if token.literal in postings:
                    plan.optional.append({token.literal: LITERAL_WEIGHT})
            elif token.terms[0] in postings:
                plan.required.append({token.terms[0]: 1.0})
            else:
                fixed = self._correct(token.surface)
                if fixed:
                    plan.required.append(fixed)
                else:
                    plan.dropped += 1
        for size in query.sizes:
            plan.required.append({size: 1.0})  # a size nobody stocks leaves products unmatched
        return plan

    def _correct(self, word: str) -> Group:
        """The terms of the closest known words to a word the catalog lacks."""
        out: Group = {}
        for candidate in self.typos.lookup(word):
            for token in analyze(candidate):
                for term in token.terms:
                    if term in self.postings:
                        out[term] = TYPO_WEIGHT
        return out

    def search(self, query: Query, limits: Limits, limit: int, offset: int) -> Found:
        """The page of matches for `query`, and how many products match in all."""
        plan = self.plan(query)
        if not plan.answerable or (not plan.required and query.tokens) or (
            query.empty and not query.limited
        ):
            return Found([], 0, False)
        candidates, complete = self._candidates(plan.required)
        if query.limited:
            candidates = self._priced(candidates, limits)
        total = len(candidates)
        if not total:
            return Found([], 0, False)
        groups = plan.required + plan.optional
        want = offset + limit
        if groups:
            docs, totals = self._scores(candidates, groups)
            top = heapq.nlargest(want, range(len(docs)), key=totals.__getitem__)
            best = [(docs[i], totals[i]) for i in top]
        else:  # limits only ("under 50"): cheapest first
            entries = self.entries
            best = [(d, 0.0) for d in heapq.nsmallest(
                want, candidates, key=lambda d: (entries[d].price_min, d))]
        return Found([self._match(d, s, groups) for d, s in best[offset:]], total,
                     complete and not plan.dropped)

    def _candidates(self, required: list[Group]) -> tuple[Collection[int], bool]:
        """The products matching the most groups, and whether they match them all."""
        if not required:
            return self.entries.keys(), True
        postings = self.postings
        docs = [_docs(postings, g) for g in sorted(required, key=lambda g: _size(postings, g))]
        if len(docs) == 1:
            return docs[0], True
        # The smallest list, filtered by membership in the others (at C speed).
        kept: Iterable[int] = docs[0]
        for other in docs[1:]:
            kept = filter(other.__contains__, kept)
        every: list[int] = list(kept)
        if every:
            return every, True
        counts = Counter(chain.from_iterable(docs))
        most = max(counts.values())
        return [d for d, n in counts.items() if n == most], False

    def _priced(self, candidates: Collection[int], limits: Limits) -> list[int]:
        """The candidates priced within the limits (converted into each currency)."""
        by_currency = {currency: limits(currency) for currency in self.prices}
        if len(candidates) * 4 < len(self.entries):
            # A few candidates: look at each one's prices.
            kept = []
            for doc in candidates:
                entry = self.entries[doc]
                low, high = by_currency[entry.currency]
                if (high is None or entry.price_min <= high) and (
                    low is None or entry.price_max >= low
                ):
                    kept.append(doc)
            return kept
        # Most of the catalog: take the priced range of the sorted lists instead.
        allowed: set[int] = set()
        for currency, prices in self.prices.items():
            allowed.update(prices.within(*by_currency[currency]))
        return list(filter(allowed.__contains__, candidates))

    def _scores(self, candidates: Iterable[int], groups: list[Group]
                ) -> tuple[list[int], list[float]]:
        """The candidates and their scores, summed group by group at C speed."""
        docs = list(candidates)
        totals = [0.0] * len(docs)
        postings = self.postings
        for group in groups:
            columns = [
                map(mul, map(postings[t].get, docs, repeat(0.0)), repeat(w)) if w != 1.0
                else map(postings[t].get, docs, repeat(0.0))
                for t, w in group.items()
            ]
            # A corrected word's alternatives: the best one counts.
            best = columns[0] if len(columns) == 1 else map(max, *columns)
            totals = list(map(add, totals, best))
        named = AUDIENCES.intersection(t for g in groups for t in g)
        if self.audiences:
            position = {d: i for i, d in enumerate(docs) if d in self.audiences}
            for doc, i in position.items():
                if not self.audiences[doc] & named:
                    totals[i] *= OTHER_AUDIENCE
        return docs, totals

    def _match(self, doc: int, score: float, groups: list[Group]) -> Match:
        entry = self.entries[doc]
        best: tuple[int, bool, int] | None = None
        for vid, stocked, variant_terms in entry.variants:
            hits = sum(1 for g in groups if not variant_terms.isdisjoint(g))
            if hits and (best is None or (hits, stocked) > (best[0], best[1])):
                best = (hits, stocked, vid)
        if best is None:
            return Match(doc, None, score, entry.in_stock)
        return Match(doc, best[2], score, best[1])


@functools.cache
def lexicon_typos() -> TypoIndex:
    """The lexicon's words, for every catalog: what shoppers mostly mistype ("headfones"),
    so they may be found two edits away; a catalog's own words one edit away."""
    return TypoIndex.build((), far=lexicon().concept_words())


def _size(postings: dict[str, dict[int, float]], group: Group) -> int:
    return sum(len(postings[t]) for t in group)


def _docs(postings: dict[str, dict[int, float]], group: Group) -> Collection[int]:
    if len(group) == 1:
        return postings[next(iter(group))].keys()
    return set().union(*(postings[t].keys() for t in group))
