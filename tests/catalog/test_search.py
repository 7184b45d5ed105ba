"""search() and get_product(): the interface the chat and checkout use, on both databases."""

from __future__ import annotations

import time
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

import bot.catalog.search as search_module
from bot.catalog import get_product
from bot.catalog.search import Hit, SearchResult, search
from bot.catalog.store import upsert, validate
from bot.db import Database
from bot.models import Product, Variant, catalog_version
from bot.runtime import Runtime


def put(db: Database, title: str, **fields: Any) -> int:
    """Upsert one product the way the API does (its SKU made of its title); its id."""
    data = {"sku": title.upper().replace(" ", "-"), "title": title, "price": "50.00",
            "currency": "USD"} | fields
    with db.session() as s:
        return upsert(s, validate(data), currency="USD", locale="en").product.id


def skus(rt: Runtime, result: SearchResult) -> list[str]:
    with rt.db.session() as s:
        return [s.get(Product, h.product_id).sku for h in result.hits]  # type: ignore[union-attr]


def find(rt: Runtime, query: str, **kwargs: Any) -> SearchResult:
    with rt.db.session() as s:
        return search(s, query, locale=kwargs.pop("locale", "en"), shop=rt.shop, **kwargs)


def test_search_returns_hits_with_the_fixed_fields(rt: Runtime) -> None:
    put(rt.db, "Storm Jacket", attributes={"waterproof": True})
    result = find(rt, "waterproof jacket under 100")
    assert isinstance(result, SearchResult)
    assert result.total == 1
    assert result.price_max == Decimal(100) and result.price_min is None
    assert result.currency == "USD"
    [hit] = result.hits
    assert isinstance(hit, Hit)
    assert hit.variant_id is None and hit.in_stock is True and hit.score > 0


def test_a_product_written_elsewhere_is_found_by_the_next_query(rt: Runtime) -> None:
    put(rt.db, "Trail Tent")
    assert skus(rt, find(rt, "tent")) == ["TRAIL-TENT"]
    other = Database(rt.settings.database_url)  # another process's connection
    try:
        put(other, "Family Tent")
        with other.session() as s:
            s.execute(update(Product).where(Product.sku == "TRAIL-TENT").values(active=False))
    finally:
        other.dispose()
    assert skus(rt, find(rt, "tent")) == ["FAMILY-TENT"]


def test_selling_one_of_many_does_not_move_the_version_but_selling_out_does(
    rt: Runtime,
) -> None:
    pid = put(rt.db, "Camp Mug", stock=3)
    with rt.db.session() as s:
        before = catalog_version(s)
        s.get(Product, pid).stock = 2  # type: ignore[union-attr]
    with rt.db.session() as s:
        assert catalog_version(s) == before
    assert find(rt, "mug").hits[0].in_stock is True
    with rt.db.session() as s:
        s.get(Product, pid).stock = 0  # type: ignore[union-attr]
    with rt.db.session() as s:
        assert catalog_version(s) != before
    assert find(rt, "mug").hits[0].in_stock is False


def test_the_variant_the_shopper_names_is_the_hit(rt: Runtime) -> None:
    put(rt.db, "Runner Shoes", variants=[
        {"sku": "R-40-RED", "options": {"size": "40", "color": "red"}, "stock": 2},
        {"sku": "R-42-BLUE", "options": {"size": "42", "color": "blue"}, "stock": 2},
        {"sku": "R-42-RED", "options": {"size": "42", "color": "red"}, "stock": 0},
    ])
    with rt.db.session() as s:
        red42 = s.scalar(select(Variant.id).where(Variant.sku == "R-42-RED"))
        blue42 = s.scalar(select(Variant.id).where(Variant.sku == "R-42-BLUE"))
    [hit] = find(rt, "zapatillas rojas talla 42", locale="es").hits
    assert (hit.variant_id, hit.in_stock) == (red42, False)
    [hit] = find(rt, "blue shoes size 42").hits
    assert (hit.variant_id, hit.in_stock) == (blue42, True)


def test_a_price_limit_is_compared_in_the_shoppers_currency(rt: Runtime) -> None:
    put(rt.db, "Day Backpack", price="50.00")  # 255 BRL at the demo shop's 5.10
    assert find(rt, "backpack under 200 reais", currency="BRL").total == 0
    result = find(rt, "mochila até 300", locale="pt_BR", currency="BRL")
    assert result.total == 1
    assert (result.price_max, result.currency) == (Decimal(300), "BRL")


def test_pages_of_results_follow_each_other_without_repeats(rt: Runtime) -> None:
    for n in range(7):
        put(rt.db, f"Canvas Bag {n}")
    first = find(rt, "bag", limit=5)
    second = find(rt, "bag", limit=5, offset=5)
    assert first.total == second.total == 7
    assert len(first.hits) == 5 and len(second.hits) == 2
    assert not {h.product_id for h in first.hits} & {h.product_id for h in second.hits}


def test_something_the_shop_does_not_sell_finds_nothing(rt: Runtime) -> None:
    put(rt.db, "Red Jacket")
    assert find(rt, "red umbrella").total == 0
    assert find(rt, "do you have anything?").total == 0


def test_get_product_gives_active_products_only(rt: Runtime) -> None:
    pid = put(rt.db, "Old Lamp")
    with rt.db.session() as s:
        assert get_product(s, pid).sku == "OLD-LAMP"  # type: ignore[union-attr]
        assert get_product(s, pid + 1000) is None
        s.get(Product, pid).active = False  # type: ignore[union-attr]
    with rt.db.session() as s:
        assert get_product(s, pid) is None
    assert find(rt, "lamp").total == 0


def test_a_large_catalogs_index_is_replaced_in_the_background(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if every build were slow: the old index answers while the new one is built.
    monkeypatch.setattr(search_module, "INLINE_BUILD_SECONDS", -1.0)
    monkeypatch.setattr(search_module, "_cache", OrderedDict())  # no index from other tests
    put(rt.db, "Trail Tent")
    assert find(rt, "tent").total == 1  # the first index is built before answering
    put(rt.db, "Family Tent")
    assert find(rt, "tent").total == 1  # answered at once, from the previous index
    deadline = time.monotonic() + 10
    while find(rt, "tent").total != 2:
        assert time.monotonic() < deadline, "the index was never replaced"
        time.sleep(0.05)
