"""Facts for the product answers of flows/catalog.py: search results and one product.

PLACEHOLDER until the `catalog` branch merges: that branch answers product questions
(and shows prices) its own way and replaces this module and flows/catalog.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from bot import money
from bot.catalog import get_product
from bot.catalog.search import search
from bot.facts import FactRequest, provider
from bot.models import Product
from bot.shopping.known import shopper_country
from bot.shopping.pricing import title_of, unit_price
from flows.types import Intent

LISTED = 5


@provider
def catalog_facts(req: FactRequest) -> Mapping[str, Any]:
    """`catalog`: the products a question matches, or the product a button shows."""
    s, shop, locale = req.session, req.rt.shop, req.locale
    currency = money.display_currency(shop, shopper_country(req.conversation))

    def price(product: Product) -> str:
        return money.convert(shop, unit_price(product, None), product.currency,
                             currency).format(locale)

    if req.event.intent is Intent.BROWSE:
        # The menu's Shop button asks for nothing in particular: everything is a match.
        query = "" if req.event.payload else req.event.text
        hits = search(s, query, locale=locale, limit=LISTED).hits
        products = [p for p in (get_product(s, h.product_id) for h in hits) if p is not None]
        matched = bool(products) or not query
        if not products:
            products = list(s.scalars(select(Product).where(Product.active.is_(True))
                                      .order_by(Product.id).limit(LISTED)))
        results = [{"id": p.id, "label": f"{title_of(p, locale)} — {price(p)}"}
                   for p in products]
        return {"catalog": {"results": results, "matched": matched}}
    payload = req.event.payload or ""
    if req.event.intent is Intent.CHOICE and payload.startswith("product:"):
        try:
            product = get_product(s, int(payload.removeprefix("product:")))
        except ValueError:
            product = None
        if product is None:
            return {}
        description = product.description or {}
        text = description.get(locale) or description.get("en") or ""
        return {"catalog": {"product": {"id": product.id, "title": title_of(product, locale),
                                        "price": price(product), "description": text}}}
    return {}
