"""Search as shoppers judge it: the queries of tests/fixtures/search_queries.tsv.

Each line is a query a shopper might write (typos, plurals, no accents, price limits,
sizes and colours, in English, Spanish or Portuguese) and the SKU of the demo product
it must list first. The test prints the share that pass and fails under 90%.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from bot.catalog.search import search
from bot.config import DEFAULT_SHOP
from bot.db import Database
from bot.models import Product
from bot.shop import load_shop

TABLE = Path(__file__).resolve().parent.parent / "fixtures" / "search_queries.tsv"
REQUIRED_SHARE = 0.90


def queries() -> list[dict[str, str]]:
    """The table's rows, comments left out."""
    lines = [ln for ln in TABLE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_the_table_is_large_and_covers_three_languages() -> None:
    rows = queries()
    assert len(rows) >= 60
    assert {r["locale"] for r in rows} == {"en", "es", "pt_BR"}


def test_at_least_90_percent_of_shopper_queries_list_the_right_product_first(
    demo_db: Database,
) -> None:
    shop = load_shop(DEFAULT_SHOP)
    rows = queries()
    misses = []
    with demo_db.session() as s:
        sku_of = {p.id: p.sku for p in s.scalars(select(Product))}
        for row in rows:
            assert row["first"] in sku_of.values(), f"no demo product {row['first']}"
            result = search(s, row["query"], locale=row["locale"], currency=row["currency"],
                            shop=shop)
            first = sku_of[result.hits[0].product_id] if result.hits else None
            if first != row["first"]:
                listed = [sku_of[h.product_id] for h in result.hits]
                misses.append(f"{row['query']!r} ({row['locale']}): {listed} "
                              f"expected {row['first']} first ({row['tests']})")
    share = 1 - len(misses) / len(rows)
    print(f"\nsearch quality: {len(rows) - len(misses)}/{len(rows)} = {share:.1%}")
    for miss in misses:
        print("  miss:", miss)
    assert share >= REQUIRED_SHARE, "\n".join(misses)
