"""A small catalog for tests of the cart and checkout: tracked and untracked stock,
a product with sizes (one sold out), titles in English, Spanish and Portuguese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.db import Database
from bot.models import Product, Variant

PRODUCTS: list[dict[str, Any]] = [
    {"sku": "TENT-2P", "price": "199.00", "stock": 5,
     "title": {"en": "Trail Tent 2P", "es": "Carpa Trail 2P", "pt_BR": "Barraca Trail 2P"},
     "description": {"en": "A two-person tent, 2.1 kg, up in five minutes.",
                     "es": "Carpa para dos personas, 2,1 kg, se arma en cinco minutos.",
                     "pt_BR": "Barraca para duas pessoas, 2,1 kg, montada em cinco minutos."}},
    {"sku": "LAMP-300", "price": "25.00", "stock": 12,
     "title": {"en": "Headlamp 300", "es": "Linterna frontal 300",
               "pt_BR": "Lanterna de cabeça 300"},
     "description": {"en": "300 lumens, USB-C.", "es": "300 lúmenes, USB-C.",
                     "pt_BR": "300 lúmens, USB-C."}},
    {"sku": "JACKET", "price": "89.00", "stock": None,
     "title": {"en": "Rain Jacket", "es": "Chaqueta impermeable", "pt_BR": "Jaqueta de chuva"},
     "description": {"en": "Waterproof, packs into its pocket.",
                     "es": "Impermeable, cabe en su bolsillo.",
                     "pt_BR": "Impermeável, cabe no próprio bolso."},
     "variants": [("JACKET-S", "S", 2), ("JACKET-M", "M", 0), ("JACKET-L", "L", 3)]},
    {"sku": "MUG", "price": "12.00", "stock": None,
     "title": {"en": "Camp Mug", "es": "Taza de campamento", "pt_BR": "Caneca de camping"},
     "description": {"en": "Enamel, 350 ml.", "es": "Esmaltada, 350 ml.",
                     "pt_BR": "Esmaltada, 350 ml."}},
]


def load_products(db: Database) -> dict[str, int]:
    """Add the products unless they are there; their ids by SKU, variants' too."""
    ids: dict[str, int] = {}
    with db.session() as s:
        for found in s.scalars(select(Product)):
            ids[found.sku] = found.id
            ids.update({v.sku: v.id for v in found.variants})
        if ids:
            return ids
        for data in PRODUCTS:
            product = Product(sku=data["sku"], title=data["title"],
                              description=data["description"], price=Decimal(data["price"]),
                              currency="USD", stock=data["stock"], active=True)
            for sku, size, stock in data.get("variants", ()):
                product.variants.append(Variant(sku=sku, options={"size": size}, stock=stock,
                                                active=True))
            s.add(product)
            s.flush()
            ids[product.sku] = product.id
            ids.update({v.sku: v.id for v in product.variants})
    return ids
