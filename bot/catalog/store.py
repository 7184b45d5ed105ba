"""Writing the catalog: upsert a validated product by SKU, and read one back for the API.

An upsert that changes nothing writes nothing, so re-importing a file is free and
does not make every worker rebuild its search index. Variants are matched by their
own SKU; a variant left out of a product is deactivated, not deleted, because carts
and orders may point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.schema import ProductIn, problems
from bot.errors import InputError
from bot.models import Product, Variant

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class ProductError(InputError):
    """A product souk refuses, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Saved:
    """What an upsert did: created, updated or unchanged, and the product."""

    outcome: str
    product: Product


def validate(data: Any) -> dict[str, Any]:
    """A product's fields, checked and loaded; ProductError lists what is wrong."""
    try:
        loaded: dict[str, Any] = ProductIn().load(data)
    except ValidationError as exc:
        raise ProductError(problems(exc)) from None
    return loaded


def localized(value: str | dict[str, str] | None, default_locale: str) -> dict[str, str] | None:
    """A text as stored: always an object by locale ("text" → {"en": "text"})."""
    if value is None:
        return None
    return {default_locale: value} if isinstance(value, str) else dict(value)


def upsert(s: Session, data: dict[str, Any], *, currency: str, locale: str) -> Saved:
    """Create or update the product `data` (loaded by `validate`) by its SKU.

    `currency` and `locale` are the shop's defaults for a product that names no
    currency or gives a text without its language. ProductError when a variant SKU
    belongs to another product.
    """
    sku = data["sku"]
    product = s.scalar(select(Product).where(Product.sku == sku))
    wanted = _fields(data, currency, locale)
    outcome = UNCHANGED
    if product is None:
        product = Product(sku=sku, **wanted)
        s.add(product)
        outcome = CREATED
    else:
        for name, value in wanted.items():
            if getattr(product, name) != value:
                setattr(product, name, value)
                outcome = UPDATED
    if _variants(s, product, data.get("variants", [])) and outcome == UNCHANGED:
        outcome = UPDATED
    s.flush()
    return Saved(outcome, product)


def _fields(data: dict[str, Any], currency: str, locale: str) -> dict[str, Any]:
    faq = [
        {"question": localized(item["question"], locale),
         "answer": localized(item["answer"], locale)}
        for item in data.get("faq", [])
    ]
    return {
        "title": localized(data["title"], locale),
        "description": localized(data.get("description"), locale),
        "price": Decimal(data["price"]),
        "currency": (data.get("currency") or currency).upper(),
        "stock": data.get("stock"),
        "images": list(data.get("images", [])) or None,
        "category": data.get("category"),
        "tags": list(data.get("tags", [])) or None,
        "attributes": dict(data.get("attributes", {})) or None,
        "faq": faq or None,
        "active": data.get("active", True),
    }


def _variants(s: Session, product: Product, variants: list[dict[str, Any]]) -> bool:
    """Bring the product's variants in line with `variants`; whether anything changed."""
    skus = [v["sku"] for v in variants]
    if skus:
        query = select(Variant.sku, Product.sku).join(Product).where(Variant.sku.in_(skus))
        if product.id is not None:
            query = query.where(Variant.product_id != product.id)
        taken = s.execute(query).all()
        if taken:
            raise ProductError([f"variants: SKU {v} belongs to product {p}" for v, p in taken])
    mine = {v.sku: v for v in product.variants}
    changed = False
    for item in variants:
        wanted = {
            "options": {str(k): str(v) for k, v in item["options"].items()},
            "price": Decimal(item["price"]) if item.get("price") is not None else None,
            "stock": item.get("stock"),
            "active": item.get("active", True),
        }
        variant = mine.pop(item["sku"], None)
        if variant is None:
            product.variants.append(Variant(sku=item["sku"], **wanted))
            changed = True
            continue
        for name, value in wanted.items():
            if getattr(variant, name) != value:
                setattr(variant, name, value)
                changed = True
    for gone in mine.values():
        if gone.active:
            gone.active = False
            changed = True
    return changed


def in_stock(product: Product) -> bool:
    """Whether a shopper can buy the product now (any active variant in stock, if it has some)."""
    live = [v for v in product.variants if v.active]
    if live:
        return any(v.stock is None or v.stock > 0 for v in live)
    return product.stock is None or product.stock > 0


def as_json(product: Product) -> dict[str, Any]:
    """The product as the API shows it (ProductOut's fields)."""
    return {
        "id": product.id,
        "sku": product.sku,
        "title": product.title,
        "description": product.description,
        "price": product.price,
        "currency": product.currency,
        "stock": product.stock,
        "in_stock": in_stock(product),
        "images": product.images or [],
        "category": product.category,
        "tags": product.tags or [],
        "attributes": product.attributes or {},
        "variants": [
            {"id": v.id, "sku": v.sku, "options": v.options, "price": v.price,
             "stock": v.stock, "active": v.active}
            for v in product.variants
        ],
        "faq": product.faq or [],
        "active": product.active,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }
