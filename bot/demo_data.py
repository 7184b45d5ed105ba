"""`souk demo`: make the database ready and load the demo shop. Idempotent."""

from __future__ import annotations

from collections.abc import Iterator

from bot.console.accounts import ensure_demo_agent
from bot.migrate import upgrade
from bot.runtime import Runtime


def load_demo(rt: Runtime) -> Iterator[str]:
    """Load what the demo needs; yield one line of what was done per step."""
    upgrade(rt.settings.database_url)
    yield "database is up to date"
    yield f"shop: {rt.shop.name} ({rt.settings.shop_config})"
    yield ensure_demo_agent(rt.db)
