"""The demo catalog: what `souk demo` loads, and that loading it again changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.catalog.store import in_stock
from bot.demo_data import load_catalog
from bot.models import Product
from bot.runtime import Runtime


def test_the_demo_catalog_loads_once_and_reloads_without_change(rt: Runtime) -> None:
    first = load_catalog(rt)
    assert (first.created, first.skipped, first.problems) == (49, 0, [])
    again = load_catalog(rt)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 49)
    with rt.db.session() as s:
        products = list(s.scalars(select(Product).options(selectinload(Product.variants))))
        assert all({"en", "es", "pt_BR"} <= set(p.title) for p in products)
        assert {p.category for p in products} == {"outdoor", "shoes", "electronics", "bags",
                                                  "clothing"}
        assert sum(not in_stock(p) for p in products) >= 3
        assert sum(bool(p.variants) for p in products) >= 30
        assert sum(bool(p.faq) for p in products) >= 5
        assert any((p.attributes or {}).get("waterproof") is True for p in products)
