"""Fixtures for catalog tests: the demo catalog loaded into a test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db import Database
from bot.demo_data import load_catalog
from bot.runtime import Runtime


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
