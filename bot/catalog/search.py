"""Product search: `search(session, "waterproof jacket under 100", locale="en")`.

Each process keeps one index per database (bot/catalog/index.py), built from the
whole catalog on first use. Before every query it reads the catalog's version
(bot/models/catalog.py: one row, one indexed read) and rebuilds the index when the
catalog changed, so a product imported or edited by another process is found by
the next query anywhere. No search server: the catalog is small enough to keep in
memory (docs/PERFORMANCE.md has the figures).

Price limits ("under 50", "menos de 200 reais") are in the currency the shopper
named, else in `currency` (theirs), else in the shop's base currency; they are
converted into each product's currency with the shop's rates before comparing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.catalog.index import Index
from bot.catalog.query import Query, parse
from bot.catalog.records import Record, VariantRecord
from bot.models import Product, Variant, catalog_version
from bot.money import UnknownCurrency, rate
from bot.shop import Shop

__all__ = ["Hit", "SearchResult", "current_index", "search"]

log = logging.getLogger(__name__)

MAX_LIMIT = 100
# Indexes kept per process: one per database (tests and tools may open several).
MAX_CACHED = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """A product found; `variant_id` when the query named one of its variants (size, colour)."""

    product_id: int
    variant_id: int | None
    score: float
    in_stock: bool


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of products found, how many there are, and the price limits understood.

    `price_min` and `price_max` are in `currency`: the one the shopper named, else theirs.
    """

    hits: list[Hit]
    total: int
    price_max: Decimal | None
    price_min: Decimal | None
    currency: str | None


def search(
    session: Session, query: str, *, locale: str, limit: int = 5, offset: int = 0,
    currency: str | None = None, shop: Shop | None = None,
) -> SearchResult:
    """Find products for a shopper's words, best first, `limit` of them from `offset`.

    `currency` is the shopper's (for "$" and limits without a currency) and `shop`
    gives the rates to compare a limit with prices in other currencies; without it
    the process's shop is used when a conversion is needed.
    """
    return find(session, query, locale=locale, limit=limit, offset=offset, currency=currency,
                shop=shop).result


@dataclass(frozen=True, slots=True)
class Searched:
    """What `find` learned: the result, and how the words fared.

    `complete`: every word matched the products found. `empty`: the words hold
    nothing to search for ("do you have...?" alone).
    """

    result: SearchResult
    complete: bool
    empty: bool


def find(
    session: Session, query: str, *, locale: str, limit: int = 5, offset: int = 0,
    currency: str | None = None, shop: Shop | None = None,
) -> Searched:
    """`search()`, and whether every word of the query matched the products found."""
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    parsed = parse(query, locale=locale, currency=currency)
    index = current_index(session)
    limits_currency = parsed.currency or currency
    found = index.search(
        parsed, lambda c: _limits(parsed, limits_currency, c, shop), limit, offset
    )
    hits = [Hit(m.product_id, m.variant_id, round(m.score, 4), m.in_stock)
            for m in found.matches]
    result = SearchResult(hits, found.total, parsed.price_max, parsed.price_min,
                          limits_currency or (shop.base_currency if shop else None))
    empty = parsed.empty and not parsed.limited
    return Searched(result, found.complete and not empty, empty)


def _limits(parsed: Query, source: str | None, target: str, shop: Shop | None
            ) -> tuple[Decimal | None, Decimal | None]:
    """The query's price limits in `target`, the currency of some products."""
    if source is None or source == target:
        return parsed.price_min, parsed.price_max
    if shop is None:
        from bot import runtime

        shop = runtime.get().shop
    try:
        factor = rate(shop, source, target)
    except UnknownCurrency:
        # Without a rate the limit cannot be compared; showing the product beats hiding it.
        log.warning("no exchange rate between %s and %s: price limit ignored", source, target)
        return None, None

    def convert(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * factor

    return convert(parsed.price_min), convert(parsed.price_max)


# A rebuild that took longer than this last time is done in the background, and the
# index it replaces keeps answering meanwhile: with a large catalog, a query right
# after a change must not wait for the whole catalog to be read again. The products
# it lists are read fresh from the database, so only new matches are late.
INLINE_BUILD_SECONDS = 1.0


@dataclass
class _Cached:
    version: tuple[int, str]
    index: Index
    seconds: float


_lock = threading.Lock()
_cache: OrderedDict[str, _Cached] = OrderedDict()
_building: set[str] = set()


def current_index(session: Session) -> Index:
    """This process's index of the session's database, rebuilt if the catalog changed."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = engine.url.render_as_string(hide_password=True)
    version = catalog_version(session)
    cached = _cache.get(key)
    if cached is not None and cached.version == version:
        return cached.index
    if cached is not None and cached.seconds > INLINE_BUILD_SECONDS:
        _rebuild_in_background(key, engine)
        return cached.index
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.version == version:
            return cached.index
        return _build(key, session, version).index


def _build(key: str, session: Session, version: tuple[int, str]) -> _Cached:
    started = time.perf_counter()
    index = Index.build(records(session))
    entry = _Cached(version, index, time.perf_counter() - started)
    _cache[key] = entry
    _cache.move_to_end(key)
    while len(_cache) > MAX_CACHED:
        _cache.popitem(last=False)
    log.info("catalog index built version=%s products=%d seconds=%.2f", version[0],
             len(index), entry.seconds)
    return entry


def _rebuild_in_background(key: str, engine: Engine) -> None:
    with _lock:
        if key in _building:
            return
        _building.add(key)

    def rebuild() -> None:
        try:
            with Session(engine) as session:
                version = catalog_version(session)
                built = _build(key, session, version)
            log.info("catalog index replaced in the background after %.1fs", built.seconds)
        except Exception:  # the old index keeps answering; the next query tries again
            log.exception("catalog index rebuild failed")
        finally:
            with _lock:
                _building.discard(key)

    threading.Thread(target=rebuild, name="catalog-index", daemon=True).start()


def records(session: Session) -> Iterator[Record]:
    """Every active product with its variants, read in two queries."""
    variants: dict[int, list[VariantRecord]] = {}
    rows = session.execute(
        select(Variant.product_id, Variant.id, Variant.options, Variant.price, Variant.stock)
        .where(Variant.active.is_(True))
        .order_by(Variant.id)
    )
    for product_id, vid, options, price, stock in rows:
        variants.setdefault(product_id, []).append(
            VariantRecord(vid, options or {}, price, stock)
        )
    products = session.execute(
        select(Product.id, Product.title, Product.price, Product.currency, Product.stock,
               Product.description, Product.category, Product.tags, Product.attributes)
        .where(Product.active.is_(True))
    )
    for pid, title, price, cur, stock, description, category, tags, attributes in products:
        yield Record(pid, title or {}, price, cur, stock, description, category,
                     tuple(str(t) for t in tags or ()), attributes,
                     tuple(variants.get(pid, ())))
