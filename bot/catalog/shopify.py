"""Shopify's product CSV export, read into souk products.

Shopify writes a product over several rows that share its `Handle`: the first row
carries the title, description (HTML), type, tags and the option names; every row
may carry a variant (option values, SKU, price, inventory) and an image. A product
with a single "Default Title" variant has no real variants. The handle becomes the
product's SKU; a variant without a SKU gets `<handle>-<option values>`. The export
has no currency: prices are in the shop's base currency.

A variant row with a bad price or stock is reported on its own line and left out;
the product keeps its other variants.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any

from bot.catalog.rows import CatalogFileError, Row
from bot.catalog.schema import VariantIn

SHOPIFY_COLUMNS = frozenset({"Variant Price", "Variant SKU", "Body (HTML)", "Option1 Name"})
OPTIONS = (1, 2, 3)
# Where a variant field comes from, to name it as the merchant knows it.
COLUMN_OF = {"price": "Variant Price", "stock": "Variant Inventory Qty", "sku": "Variant SKU",
             "options": "Option1 Value"}


class _Text(HTMLParser):
    """The text of an HTML fragment, blocks separated by spaces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        """A tag separates words ("<p>One</p><p>Two</p>" is "One Two")."""
        self.parts.append(" ")


def html_text(html: str, limit: int = 2000) -> str:
    """Readable text of an HTML fragment (Shopify's Body (HTML)), at most `limit` characters."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def read_shopify(text: str, *, locale: str) -> list[Row]:
    """The products of a Shopify export, one Row per handle (plus one per bad variant row)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "Handle" not in reader.fieldnames:
        raise CatalogFileError("a Shopify export needs the Handle column")
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    line = 2
    for record in reader:
        cells = {k: (v or "").strip() for k, v in record.items() if k}
        if cells.get("Handle"):
            groups.setdefault(cells["Handle"], []).append((line, cells))
        line = reader.line_num + 1
    rows: list[Row] = []
    for handle, lines in groups.items():
        rows.extend(_product(handle, lines, locale))
    rows.sort(key=lambda r: r.line)
    return rows


def _product(handle: str, lines: list[tuple[int, dict[str, str]]], locale: str) -> list[Row]:
    first_line, first = lines[0]
    if not first.get("Title"):
        return [Row(first_line, None, ("Title: the first row of a product needs its title",))]
    names = [first.get(f"Option{i} Name", "") for i in OPTIONS]
    rows: list[Row] = []
    images: list[str] = []
    variants: list[dict[str, Any]] = []
    for line, cells in lines:
        for column in ("Image Src", "Variant Image"):
            if cells.get(column) and cells[column] not in images:
                images.append(cells[column])
        if not (cells.get("Variant Price") or cells.get("Variant SKU")
                or cells.get("Option1 Value")):
            continue  # an image-only row
        variant, problems = _variant(handle, names, cells)
        if problems:
            rows.append(Row(line, None, tuple(problems)))
        else:
            variants.append(variant)
    if not variants:
        rows.append(Row(first_line, None, ("Variant Price: the product has no variant with "
                                           "a valid price",)))
        return rows
    default = len(variants) == 1 and list(variants[0]["options"].values()) in (
        [], ["Default Title"])
    product: dict[str, Any] = {
        "sku": handle,
        "title": {locale: first["Title"]},
        "price": min((v["price"] for v in variants), key=float),
        "images": images,
        "tags": [t.strip() for t in first.get("Tags", "").split(",") if t.strip()],
        "active": first.get("Status", "active").lower() in ("", "active")
        and first.get("Published", "true").lower() != "false",
    }
    body = html_text(first.get("Body (HTML)", ""))
    if body:
        product["description"] = {locale: body}
    category = first.get("Type") or first.get("Product Category", "").split(">")[-1].strip()
    if category:
        product["category"] = category[:100]
    if first.get("Vendor"):
        product["attributes"] = {"brand": first["Vendor"]}
    if default:
        product["stock"] = variants[0]["stock"]
    else:
        product["variants"] = variants
    rows.insert(0, Row(first_line, product))
    return rows


def _variant(handle: str, names: list[str], cells: dict[str, str]
             ) -> tuple[dict[str, Any], list[str]]:
    options = {
        name.lower(): cells.get(f"Option{i} Value", "")
        for i, name in zip(OPTIONS, names, strict=True)
        if name and cells.get(f"Option{i} Value")
    }
    if names[0] == "Title" and options.get("title") == "Default Title":
        options = {"title": "Default Title"}
    quantity = cells.get("Variant Inventory Qty", "")
    stock: Any = None
    if re.fullmatch(r"-?\d+", quantity):
        stock = max(0, int(quantity))  # Shopify lets oversold stock go negative
    elif quantity:
        stock = quantity
    slug = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", v).strip("-") for v in options.values())
    variant = {
        "sku": cells.get("Variant SKU") or f"{handle}-{slug or 'default'}"[:100],
        "options": options or {"title": "Default Title"},
        "price": cells.get("Variant Price", ""),
        "stock": stock,
    }
    errors = VariantIn().validate(variant)
    return variant, [
        f"{COLUMN_OF.get(k, k)}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in errors.items()
    ]
