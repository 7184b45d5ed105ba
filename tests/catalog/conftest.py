"""Fixtures for catalog tests: the demo catalog loaded into a test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.demo_data import load_catalog
from bot.models import Product
from bot.runtime import Runtime


@pytest.fixture
def demo(rt: Runtime) -> dict[str, int]:
    """The demo catalog in this test's database: product ids by SKU."""
    load_catalog(rt)
    with rt.db.session() as s:
        return {p.sku: p.id for p in s.scalars(select(Product))}


@pytest.fixture(scope="session")
def demo_db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Database]:
    """One SQLite database with the demo catalog, shared by read-only tests."""
    import shutil

    from bot.config import Settings

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{path}", "SOUK_ENV": "test",
                                  "SECRET_KEY": "x"})
    rt = Runtime.from_settings(settings)
    load_catalog(rt)
    rt.close()
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()
