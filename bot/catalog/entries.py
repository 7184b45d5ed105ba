"""What the search index keeps of each product besides its terms: prices and stock.

Entries answer the questions a query asks after matching: is it in stock, which
variant did the shopper name, is it within the price limits. `Prices` keeps each
currency's products sorted by price, so a limit over most of a catalog is a slice.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bot.catalog.records import Record, option_terms


@dataclass(frozen=True, slots=True)
class Entry:
    """A product as the index keeps it: prices, stock, and its variants' terms."""

    id: int
    currency: str
    price_min: Decimal
    price_max: Decimal
    in_stock: bool
    variants: tuple[tuple[int, bool, frozenset[str]], ...] = ()  # (id, in stock, terms)


@dataclass(frozen=True)
class Prices:
    """Products of one currency sorted by their lowest and by their highest price."""

    lows: list[Decimal]
    by_low: list[int]
    highs: list[Decimal]
    by_high: list[int]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> dict[str, Prices]:
        """One Prices per currency of `entries`."""
        groups: dict[str, list[Entry]] = {}
        for entry in entries:
            groups.setdefault(entry.currency, []).append(entry)
        out = {}
        for currency, group in groups.items():
            lows = sorted((e.price_min, e.id) for e in group)
            highs = sorted((e.price_max, e.id) for e in group)
            out[currency] = cls([p for p, _ in lows], [d for _, d in lows],
                                [p for p, _ in highs], [d for _, d in highs])
        return out

    def within(self, low: Decimal | None, high: Decimal | None) -> Iterable[int]:
        """Products priced within [low, high]: a variant at most `high`, one at least `low`."""
        docs = self.by_low if high is None else self.by_low[: bisect_right(self.lows, high)]
        if low is None:
            return docs
        enough = set(self.by_high[bisect_left(self.highs, low):])
        return filter(enough.__contains__, docs)


def _stocked(stock: int | None) -> bool:
    return stock is None or stock > 0


def entry(rec: Record, shared: dict[frozenset[str], frozenset[str]]) -> Entry:
    """What the index keeps of a product; variants with the same options share one set."""
    live = [v for v in rec.variants if v.active]
    prices = [v.price if v.price is not None else rec.price for v in live] or [rec.price]
    variants = []
    for v in live:
        options = frozenset(option_terms(v.options))
        variants.append((v.id, _stocked(v.stock), shared.setdefault(options, options)))
    stocked = any(s for _, s, _ in variants) if variants else _stocked(rec.stock)
    return Entry(rec.id, rec.currency.upper(), min(prices), max(prices), stocked,
                 tuple(variants))
