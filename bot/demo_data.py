"""`souk demo`: make the database ready and load the demo shop. Idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.catalog.files import import_rows, read_file
from bot.catalog.rows import Report
from bot.console.accounts import ensure_demo_agent
from bot.migrate import upgrade
from bot.runtime import Runtime

DEMO_CATALOG = Path(__file__).parent / "demo" / "catalog.json"


def load_demo(rt: Runtime) -> Iterator[str]:
    """Load what the demo needs; yield one line of what was done per step."""
    upgrade(rt.settings.database_url)
    yield "database is up to date"
    yield f"shop: {rt.shop.name} ({rt.settings.shop_config})"
    yield ensure_demo_agent(rt.db)
    yield f"catalog: {load_catalog(rt).summary()}"


def load_catalog(rt: Runtime) -> Report:
    """Upsert the demo catalog (bot/demo/catalog.json): a second run changes nothing."""
    _, rows = read_file(DEMO_CATALOG, locale=rt.shop.default_locale)
    report = import_rows(rt.db, rows, currency=rt.shop.base_currency,
                         locale=rt.shop.default_locale)
    if report.problems:
        raise ValueError("the demo catalog is broken: " + "; ".join(report.problems))
    return report
