"""Catalog files: JSON, CSV and Shopify's product CSV export, read into products by line.

Every reader turns a file into `Row`s: the product's fields in the JSON shape
(CONTRACT.md, "Catalog files") and the line it starts on, or the problems that
make the row unusable. `import_rows` then validates and upserts each row on its
own, so one bad row is reported by its line number and skipped while the good rows
are kept. A file that cannot be read at all raises CatalogFileError.

CSV columns: sku, title, title.<locale>, description, description.<locale>, price,
currency, stock, images ("|" or spaces between URLs), category, tags (commas),
attr.<name> ("true"/"false" become true/false), variants and faq (as JSON), active.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from bot.catalog.rows import CatalogFileError, Report, Row
from bot.catalog.shopify import SHOPIFY_COLUMNS, read_shopify
from bot.catalog.store import ProductError, upsert, validate
from bot.config import Settings
from bot.db import Database
from bot.errors import SoukError

PLAIN = {"sku", "title", "description", "price", "currency", "stock", "images", "category",
         "tags", "variants", "faq", "active"}
LOCALIZED = ("title.", "description.")
TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def read_file(path: Path, *, locale: str) -> tuple[str, list[Row]]:
    """The file's kind ("json", "csv" or "shopify") and its rows; `locale` for plain texts."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CatalogFileError(f"{path}: is a folder, not a catalog file") from None
    except OSError as exc:
        raise CatalogFileError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CatalogFileError(f"{path}: not UTF-8 text") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        return "json", read_json(text)
    if path.suffix.lower() not in (".csv", ".txt", ""):
        raise CatalogFileError(f"{path}: not a catalog file (expected .json or .csv)")
    header = next(csv.reader(io.StringIO(text)), [])
    if "Handle" in header and SHOPIFY_COLUMNS & set(header):
        return "shopify", read_shopify(text, locale=locale)
    return "csv", read_csv(text, locale=locale)


def read_json(text: str) -> list[Row]:
    """A JSON list of products; each row's line is where its object starts."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise CatalogFileError("a JSON catalog is a list of products: [{...}, {...}]")
    pos, line, counted = _skip(text, pos + 1), 1, 0
    rows: list[Row] = []
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise CatalogFileError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None
        if isinstance(value, dict):
            rows.append(Row(line, value))
        else:
            rows.append(Row(line, None, ("a product is a JSON object {...}",)))
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
        elif pos >= len(text) or text[pos] != "]":
            found = text.count("\n", 0, pos) + 1
            raise CatalogFileError(f"line {found}: not valid JSON: expected ',' or ']'")
    if pos >= len(text):
        raise CatalogFileError("not valid JSON: the list is not closed with ']'")
    return rows


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_csv(text: str, *, locale: str) -> list[Row]:
    """souk's CSV: one product a row, columns named as in the module's docstring."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    unknown = [h for h in header if h not in PLAIN and not h.startswith((*LOCALIZED, "attr."))]
    if unknown:
        raise CatalogFileError(f"unknown columns: {', '.join(unknown)} (expected sku, title, "
                               "price... or a Shopify export)")
    missing = [c for c in ("sku", "price") if c not in header]
    if missing or not any(h == "title" or h.startswith("title.") for h in header):
        raise CatalogFileError("a CSV catalog needs the columns sku, title and price")
    rows: list[Row] = []
    line = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append(_csv_row(line, dict(zip(header, cells, strict=False)), locale))
        line = reader.line_num + 1
    return rows


def _csv_row(line: int, cells: dict[str, str], locale: str) -> Row:
    data: dict[str, Any] = {}
    problems: list[str] = []
    for column, raw in cells.items():
        value = raw.strip()
        if not value:
            continue
        if column in ("title", "description"):
            data.setdefault(column, {})[locale] = value
        elif column.startswith(LOCALIZED):
            name, _, tag = column.partition(".")
            data.setdefault(name, {})[tag] = value
        elif column.startswith("attr."):
            lowered = value.lower()
            data.setdefault("attributes", {})[column[5:]] = (
                True if lowered == "true" else False if lowered == "false" else value)
        elif column == "stock":
            data[column] = int(value) if re.fullmatch(r"-?\d+", value) else value
        elif column == "images":
            data[column] = [u for u in re.split(r"[|\s]+", value) if u]
        elif column == "tags":
            data[column] = [t.strip() for t in re.split(r"[,|]", value) if t.strip()]
        elif column in ("variants", "faq"):
            try:
                data[column] = json.loads(value)
            except json.JSONDecodeError:
                problems.append(f"{column}: not valid JSON")
        elif column == "active":
            data[column] = True if value.lower() in TRUE else False if value.lower() in FALSE \
                else value
        else:
            data[column] = value
    return Row(line, None if problems else data, tuple(problems))


def import_rows(db: Database, rows: list[Row], *, currency: str, locale: str) -> Report:
    """Validate and upsert each row on its own; skip and report the bad ones."""
    report = Report()
    first_line: dict[str, int] = {}
    with db.session() as s:
        for row in rows:
            if row.data is None:
                report.skip(row.line, row.problems)
                continue
            sku = row.data.get("sku")
            if not sku:
                report.skip(row.line, ["sku: Missing data for required field."])
                continue
            if isinstance(sku, str) and sku in first_line:
                report.skip(row.line, [f"sku: {sku} is already on line {first_line[sku]}"])
                continue
            try:
                data = validate(row.data)
                with s.begin_nested():
                    saved = upsert(s, data, currency=currency, locale=locale)
            except ProductError as exc:
                report.skip(row.line, exc.problems)
                continue
            except IntegrityError:
                report.skip(row.line, ["conflicts with another product or variant SKU"])
                continue
            first_line[data["sku"]] = row.line
            setattr(report, saved.outcome, getattr(report, saved.outcome) + 1)
    return report


def import_file(settings: Settings, path: str) -> tuple[str, int, Report]:
    """`souk catalog import`: read `path` and upsert its products into the database."""
    from bot.shop import load_shop

    shop = load_shop(settings.shop_config)
    kind, rows = read_file(Path(path), locale=shop.default_locale)
    db = Database(settings.database_url)
    try:
        if not inspect(db.engine).has_table("products"):
            raise SoukError("the database has no catalog yet: run `souk db upgrade` first")
        report = import_rows(db, rows, currency=shop.base_currency, locale=shop.default_locale)
    finally:
        db.dispose()
    return kind, len(rows), report
