"""Finding products by words: the interface the cart uses to add "the trail tent".

PLACEHOLDER until the `catalog` branch merges: it replaces this module with real
search. This stand-in matches the query's words against SKUs and titles (in every
locale), accents and case ignored, which is enough for a small catalog and for tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Product
from bot.nlu import normalize

__all__ = ["Hit", "SearchResult", "search"]

# Words that never name a product; without this "do you have a tent" matches "a".
_MIN_WORD = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One product (or one of its variants) that matches, best first."""

    product_id: int
    variant_id: int | None
    score: float
    in_stock: bool


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits, how many there are in all, and their price range."""

    hits: list[Hit]
    total: int
    price_max: Decimal | None
    price_min: Decimal | None
    currency: str | None


def _words(text: str) -> set[str]:
    return {w for w in normalize(text).split() if len(w) >= _MIN_WORD}


def _matches(query: str, word: str) -> bool:
    # "tents" finds "tent" and "barracas" finds "barraca": a shared stem is enough.
    return word.startswith(query) or query.startswith(word)


def search(
    session: Session, query: str, *, locale: str, limit: int = 5, offset: int = 0
) -> SearchResult:
    """Active products whose SKU or title shares words with `query`, best first."""
    wanted = _words(query)
    scored: list[tuple[float, Product]] = []
    if wanted:
        for product in session.scalars(select(Product).where(Product.active.is_(True))):
            titles = [str(t) for t in (product.title or {}).values()]
            words = _words(" ".join(titles)) | {normalize(product.sku)}
            found = sum(1 for q in wanted if any(_matches(q, w) for w in words))
            if found:
                # Prefer the title in the shopper's language when two products tie.
                own = _words(str((product.title or {}).get(locale, "")))
                bonus = 0.01 if any(_matches(q, w) for q in wanted for w in own) else 0.0
                scored.append((found / len(wanted) + bonus, product))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    page = scored[offset : offset + limit]
    prices = [p.price for _, p in scored]
    currencies = {p.currency for _, p in scored}
    return SearchResult(
        hits=[Hit(p.id, None, score, _in_stock(p)) for score, p in page],
        total=len(scored),
        price_max=max(prices) if prices else None,
        price_min=min(prices) if prices else None,
        currency=currencies.pop() if len(currencies) == 1 else None,
    )


def _in_stock(product: Product) -> bool:
    if product.variants:
        return any(v.active and (v.stock is None or v.stock > 0) for v in product.variants)
    return product.stock is None or product.stock > 0
