"""`GET /api/v1/products` and `PUT /api/v1/products/{sku}`: the catalog, for merchants.

GET lists products a page at a time, filtered by text (the shoppers' search),
category, tag, stock or whether they are active. PUT creates or replaces one product
by its SKU with the same validation as `souk catalog import`: 201 when created, 200
when updated or unchanged. Both need a key with the `catalog` scope.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.api import abort_json
from bot.api.keys import require_scope
from bot.catalog.schema import ProductIn, ProductOut, check_sku
from bot.catalog.search import search
from bot.catalog.store import CREATED, ProductError, as_json, in_stock, upsert
from bot.models import Product

bp = Blueprint("products", __name__, description="Read and upsert the catalog (scope "
               "`catalog`).")
PREFIX = "/products"
MAX_SEARCHED = 1000  # a text filter ranks at most this many products
CREATED_DOC = "Created"
CONFLICT_DOC = "A variant SKU belongs to another product"


class ProductQuery(Schema):
    """Filters and paging of the product list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    q = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "Text as a shopper would write it; results best first."})
    category = fields.String(validate=validate.Length(1, 100))
    tag = fields.String(validate=validate.Length(1, 60))
    in_stock = fields.Boolean()
    active = fields.Boolean(metadata={"description": "Default: active and withdrawn."})


class ProductPage(Schema):
    """One page of products."""

    items = fields.List(fields.Nested(ProductOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@bp.route("")
class Products(MethodView):
    """The product list."""

    # A misspelt filter ("catgory") is refused, not silently ignored.
    @require_scope("catalog")
    @bp.arguments(ProductQuery, location="query", unknown=RAISE)
    @bp.response(200, ProductPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List products, a page at a time, by id or, with `q`, best match first."""
        from bot.app import current_runtime

        rt = current_runtime()
        page, per_page = args["page"], args["per_page"]
        start = (page - 1) * per_page
        with rt.db.session() as s:
            query = select(Product).options(selectinload(Product.variants))
            if "active" in args:
                query = query.where(Product.active.is_(args["active"]))
            if "category" in args:
                query = query.where(func.lower(Product.category) == args["category"].lower())
            ranked: list[int] | None = None
            if "q" in args:
                found = search(s, args["q"], locale=rt.shop.default_locale,
                               limit=MAX_SEARCHED, shop=rt.shop)
                ranked = [h.product_id for h in found.hits]
                query = query.where(Product.id.in_(ranked))
            if ranked is None and "tag" not in args and "in_stock" not in args:
                total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
                products = list(s.scalars(query.order_by(Product.id).offset(start)
                                          .limit(per_page)))
                return {"items": [as_json(p) for p in products], "page": page,
                        "per_page": per_page, "total": total}
            products = list(s.scalars(query.order_by(Product.id)))
            # Tags (JSON) and stock (variants) are filtered here, alike on every database.
            if "tag" in args:
                wanted = args["tag"].casefold()
                products = [p for p in products if wanted in {t.casefold() for t in p.tags or ()}]
            if "in_stock" in args:
                products = [p for p in products if in_stock(p) is args["in_stock"]]
            if ranked is not None:
                order = {pid: n for n, pid in enumerate(ranked)}
                products.sort(key=lambda p: order[p.id])
            items = [as_json(p) for p in products[start : start + per_page]]
        return {"items": items, "page": page, "per_page": per_page, "total": len(products)}


@bp.route("/<sku>")
class ProductBySku(MethodView):
    """One product, by SKU."""

    @require_scope("catalog")
    @bp.arguments(ProductIn)
    @bp.response(200, ProductOut)
    @bp.alt_response(201, schema=ProductOut,
                     description=CREATED_DOC)
    @bp.alt_response(409, description=CONFLICT_DOC)
    def put(self, data: dict[str, Any], sku: str) -> tuple[dict[str, Any], int]:
        """Create or replace the product with this SKU."""
        from bot.app import current_runtime

        try:
            check_sku(sku)
        except ValidationError as exc:
            abort_json(400, "invalid_sku", str(exc.messages[0]))
        if data.setdefault("sku", sku) != sku:
            abort_json(422, "invalid_request", "The body's sku differs from the URL's.")
        rt = current_runtime()
        with rt.db.session() as s:
            try:
                saved = upsert(s, data, currency=rt.shop.base_currency,
                               locale=rt.shop.default_locale)
            except ProductError as exc:
                abort_json(409, "conflict", "; ".join(exc.problems))
            s.refresh(saved.product)
            body = as_json(saved.product)
        return body, 201 if saved.outcome == CREATED else 200
