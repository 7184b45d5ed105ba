"""The catalog: products, their search, the answers about them, and catalog files.

    search.py    search(session, "waterproof jacket under 100", locale="en") → SearchResult
    index.py     the in-process inverted index search reads (entries.py, records.py,
                 text.py, typos.py, query.py)
    store.py     upsert products by SKU, validated (schema.py): the API and imports use it
    files.py     read JSON, CSV and Shopify CSV catalog files (shopify.py), bad rows by line
    display.py   a product as a shopper reads it: title in their language, their currency
    answers.py   answers to product questions; policies.py, to the shop file's (shipping...)
    facts.py     what the catalog flow (flows/catalog.py) needs to know for a message
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.models import Product

# `search` is not re-exported: `bot.catalog.search` stays the module, whose
# `search(session, query, locale=...)` is the function.
__all__ = ["get_product"]


def get_product(session: Session, product_id: int) -> Product | None:
    """The active product with this id; None if there is none or it was withdrawn."""
    product = session.get(Product, product_id)
    return product if product is not None and product.active else None
