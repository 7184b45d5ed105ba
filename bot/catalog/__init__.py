"""The catalog as the cart and checkout see it: one product by id.

PLACEHOLDER until the `catalog` branch merges: that branch owns this package (import,
search, product answers, price display) and replaces this file with its own. Only the
interface agreed between the branches is here: `get_product(session, product_id)`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.models import Product

__all__ = ["get_product"]


def get_product(session: Session, product_id: int) -> Product | None:
    """The active product with this id, or None."""
    product = session.get(Product, product_id)
    return product if product is not None and product.active else None
