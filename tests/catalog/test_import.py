"""`souk catalog import` as a merchant runs it: a real process, real files, both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.db import Database
from bot.models import Product, catalog_version
from bot.runtime import Runtime

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"


def souk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the souk command with the test's settings."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**os.environ, **env, "LOG_LEVEL": "WARNING"},
        capture_output=True, text=True, timeout=60,
    )


def product(rt: Runtime, sku: str) -> dict[str, Any] | None:
    from bot.catalog.store import as_json

    with rt.db.session() as s:
        found = s.scalar(select(Product).where(Product.sku == sku))
        return as_json(found) if found is not None else None


def count(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Product)) or 0)


def test_json_bad_rows_are_reported_by_line_and_good_rows_kept(
    rt: Runtime, env: dict[str, str]
) -> None:
    done = souk(env, "catalog", "import", str(FILES / "products.json"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "souk: line 22: price: Not a valid number.",
        "souk: line 35: a product is a JSON object {...}",
        "souk: line 36: title: Missing data for required field.",
    ]
    assert "created 2, updated 0, unchanged 0, skipped 3" in done.stdout
    jacket = product(rt, "JKT-100")
    assert jacket is not None
    assert jacket["title"]["es"] == "Chaqueta Storm"
    assert [v["sku"] for v in jacket["variants"]] == ["JKT-100-M", "JKT-100-L"]
    assert jacket["faq"][0]["answer"]["es"] == "Sí, en su propio bolsillo."
    assert jacket["attributes"] == {"waterproof": True, "material": "nylon"}
    mug = product(rt, "MUG-1")
    assert mug is not None and mug["currency"] == "USD" and mug["stock"] is None
    assert mug["title"] == {"en": "Camp Mug"}  # a plain string is in the shop's language
    assert product(rt, "BAD-PRICE") is None
    with rt.db.session() as s:
        version = catalog_version(s)
    again = souk(env, "catalog", "import", str(FILES / "products.json"))
    assert "created 0, updated 0, unchanged 2, skipped 3" in again.stdout
    with rt.db.session() as s:
        assert catalog_version(s) == version  # nothing written, no index rebuilt
    assert count(rt) == 2


# The tests below run the command in this process (bot.cli.main, as the console script
# does) on SQLite only: they check the command's own decisions, and starting a Python
# process for each would cost a second apiece.


@pytest.fixture
def local(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.delenv("SHOP_CONFIG", raising=False)
    db = Database(sqlite_url)
    yield db
    db.dispose()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_changed_price_updates_that_product_only(
    local: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json.loads((FILES / "products.json").read_text(encoding="utf-8"))
    good = [r for r in rows if isinstance(r, dict) and r.get("sku") in ("JKT-100", "MUG-1")]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert run(capsys, "catalog", "import", str(path))[0] == 0
    good[0]["price"] = "79.00"
    path.write_text(json.dumps(good), encoding="utf-8")
    code, out, _ = run(capsys, "catalog", "import", str(path))
    assert code == 0 and "created 0, updated 1, unchanged 1, skipped 0" in out
    with local.session() as s:
        assert s.scalar(select(Product.price).where(Product.sku == "JKT-100")) == 79


def test_csv_bad_rows_are_reported_by_their_own_line(rt: Runtime, env: dict[str, str]) -> None:
    done = souk(env, "catalog", "import", str(FILES / "products.csv"))
    assert done.returncode == 0, done.stderr
    # SHOE-1's description spans two lines, so the row after it starts on line 6.
    assert done.stderr.splitlines() == [
        "souk: line 3: stock: Not a valid integer.",
        "souk: line 6: price: A price is a decimal of 0 or more, such as 39.90.",
    ]
    assert "created 2, updated 0, unchanged 0, skipped 2" in done.stdout
    bag = product(rt, "BAG-20")
    assert bag is not None
    assert bag["title"] == {"en": "Day Pack 20L", "es": "Mochila 20L", "pt_BR": "Mochila 20L"}
    assert bag["tags"] == ["hiking", "travel"]
    assert bag["attributes"] == {"waterproof": True, "material": "nylon"}
    shoe = product(rt, "SHOE-1")
    assert shoe is not None
    assert shoe["description"] == {"en": "Grippy, light\ntrail shoes"}
    assert shoe["variants"][0]["options"] == {"size": "42", "color": "red"}
    assert shoe["stock"] is None
    again = souk(env, "catalog", "import", str(FILES / "products.csv"))
    assert "created 0, updated 0, unchanged 2, skipped 2" in again.stdout


def test_a_shopify_export_becomes_products_with_variants(rt: Runtime,
                                                         env: dict[str, str]) -> None:
    done = souk(env, "catalog", "import", str(FILES / "shopify.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "souk: line 5: Variant Price: Not a valid number.",
        "souk: line 7: Title: the first row of a product needs its title",
    ]
    assert "(shopify)" in done.stdout and "created 2" in done.stdout
    tote = product(rt, "canvas-tote")
    assert tote is not None
    assert tote["variants"] == [] and tote["stock"] == 12  # "Default Title": no real variants
    assert tote["description"] == {"en": "A sturdy canvas tote & shopper."}
    assert tote["attributes"] == {"brand": "Souk"} and tote["category"] == "Bags"
    beanie = product(rt, "wool-beanie")
    assert beanie is not None
    assert [(v["sku"], v["options"], v["stock"]) for v in beanie["variants"]] == [
        ("BEANIE-GRAY", {"color": "Gray"}, 5), ("BEANIE-RED", {"color": "Red"}, 0)]
    assert beanie["images"] == ["https://cdn.example.com/beanie.jpg",
                                "https://cdn.example.com/beanie-2.jpg"]
    again = souk(env, "catalog", "import", str(FILES / "shopify.csv"))
    assert "created 0, updated 0, unchanged 2" in again.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "no such file"),
        ("broken.json", b'[{"sku": "A", "title": "x", "price": "1"}, {"sku": ', "not valid JSON"),
        ("object.json", b'{"sku": "A"}', "a JSON catalog is a list of products"),
        ("latin1.csv", "sku,title,price\nA,Ação,1\n".encode("latin-1"), "not UTF-8"),
        ("columns.csv", b"sku,name,cost\nA,x,1\n", "unknown columns: name, cost"),
        ("catalog.xlsx", b"PK\x03\x04", "not a catalog file"),
    ],
)
def test_a_file_that_cannot_be_read_exits_2_and_imports_nothing(
    local: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
    content: bytes | None, message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "catalog", "import", str(path))
    assert code == 2
    [line] = err.splitlines()  # one line, no traceback
    assert line.startswith("souk: ") and message in line
    with local.session() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 0


def test_a_database_without_tables_is_named_as_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, err = run(capsys, "catalog", "import", str(FILES / "products.json"))
    assert code == 1
    assert err.strip() == "souk: the database has no catalog yet: run `souk db upgrade` first"


def test_the_command_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["catalog", "import", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Shopify" in out and "line number" in out
