"""The merchant API for products: keys and scopes, upserts by SKU, validation, pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.api.keys import create_key
from bot.models import Product
from bot.runtime import Runtime

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"
JACKET = {
    "title": {"en": "Storm Jacket", "es": "Chaqueta Storm"},
    "description": "A waterproof shell.",
    "price": "89.00",
    "currency": "USD",
    "stock": 4,
    "category": "outdoor",
    "tags": ["rain"],
    "attributes": {"waterproof": True, "material": "nylon"},
    "variants": [{"sku": "JKT-M", "options": {"size": "M"}, "stock": 2},
                 {"sku": "JKT-L", "options": {"size": "L"}, "stock": 0}],
    "faq": [{"question": {"en": "Does it pack small?"}, "answer": {"en": "Yes."}}],
}


@pytest.fixture
def key(rt: Runtime) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_key(rt.db, "erp", ["catalog"])}


def put(client: Any, sku: str, body: Any, headers: dict[str, str]) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.put(f"/api/v1/products/{sku}", data=data, headers=headers,
                      content_type="application/json")


def products(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Product)) or 0)


def test_without_a_key_or_with_the_wrong_scope_nothing_happens(rt: Runtime, client: Any) -> None:
    orders = {"Authorization": "Bearer " + create_key(rt.db, "shipping", ["orders"])}
    cases = [({}, 401, "unauthorized"), ({"Authorization": "Bearer souk_nope"}, 401,
                                         "unauthorized"), (orders, 403, "forbidden")]
    for headers, status, code in cases:
        response = put(client, "JKT", JACKET, headers)
        assert response.status_code == status
        assert response.get_json()["error"]["code"] == code
        assert client.get("/api/v1/products", headers=headers).status_code == status
    assert products(rt) == 0


def test_put_creates_then_updates_by_sku(rt: Runtime, client: Any,
                                         key: dict[str, str]) -> None:
    created = put(client, "JKT", JACKET, key)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["sku"] == "JKT" and body["price"] == "89.000000" and body["in_stock"] is True
    assert body["title"] == {"en": "Storm Jacket", "es": "Chaqueta Storm"}
    assert body["description"] == {"en": "A waterproof shell."}
    assert [v["sku"] for v in body["variants"]] == ["JKT-M", "JKT-L"]
    assert put(client, "JKT", JACKET, key).status_code == 200
    cheaper = {**JACKET, "price": "79.90", "variants": JACKET["variants"][:1]}
    updated = put(client, "JKT", cheaper, key).get_json()
    assert updated["price"] == "79.900000" and updated["id"] == body["id"]
    # A variant left out is withdrawn, not deleted: carts and orders may point at it.
    assert [(v["sku"], v["active"]) for v in updated["variants"]] == [
        ("JKT-M", True), ("JKT-L", False)]
    assert products(rt) == 1


INVALID = [
    ({**JACKET, "title": None}, "title"),
    ({k: v for k, v in JACKET.items() if k != "title"}, "title"),
    ({**JACKET, "price": "cheap"}, "price"),
    ({**JACKET, "price": "-1"}, "price"),
    ({**JACKET, "currency": "XYZ"}, "currency"),
    ({**JACKET, "stock": -2}, "stock"),
    ({**JACKET, "stock": "5"}, "stock"),
    ({**JACKET, "title": {"english": "Jacket"}}, "title"),
    ({**JACKET, "images": ["ftp://example.com/x.jpg"]}, "images"),
    ({**JACKET, "colour": "red"}, "colour"),
    ({**JACKET, "attributes": {"weight": {"kg": [1]}}}, "attributes"),
    ({**JACKET, "variants": [{"sku": "A", "options": {"size": "M"}},
                             {"sku": "A", "options": {"size": "L"}}]}, "variants"),
    ({**JACKET, "variants": [{"sku": "A", "options": {}}]}, "variants"),
    ({**JACKET, "sku": "OTHER"}, None),
    ([JACKET], None),
]


def test_an_invalid_body_is_refused_with_what_is_wrong(
    rt: Runtime, client: Any, key: dict[str, str]
) -> None:
    for body, field in INVALID:
        response = put(client, "JKT", body, key)
        assert response.status_code == 422, (body, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "invalid_request" and error["message"]
        if field is not None:
            assert field in error["details"], (field, error)
    assert products(rt) == 0


def test_a_body_that_is_not_json_or_a_bad_sku_is_a_400(rt: Runtime, client: Any,
                                                        key: dict[str, str]) -> None:
    response = put(client, "JKT", "{not json", key)
    assert response.status_code == 400
    assert "error" in response.get_json()
    response = put(client, "bad%20sku", JACKET, key)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_sku"
    assert products(rt) == 0


def test_a_variant_sku_of_another_product_is_a_conflict(rt: Runtime, client: Any,
                                                        key: dict[str, str]) -> None:
    assert put(client, "JKT", JACKET, key).status_code == 201
    thief = {**JACKET, "variants": [{"sku": "JKT-M", "options": {"size": "M"}}]}
    response = put(client, "OTHER", thief, key)
    assert response.status_code == 409
    assert "JKT-M belongs to product JKT" in response.get_json()["error"]["message"]
    assert products(rt) == 1


def test_get_lists_products_a_page_at_a_time_with_filters(rt: Runtime, client: Any,
                                                          key: dict[str, str]) -> None:
    put(client, "JKT", JACKET, key)
    put(client, "MUG", {"title": "Camp Mug", "price": "12", "stock": 0, "category": "kitchen",
                        "tags": ["camping"]}, key)
    put(client, "TENT", {"title": "Ridge Tent", "price": "189", "tags": ["camping"],
                         "active": False}, key)
    page = client.get("/api/v1/products?per_page=2&page=2", headers=key).get_json()
    assert (page["total"], page["page"], page["per_page"]) == (3, 2, 2)
    assert [p["sku"] for p in page["items"]] == ["TENT"]

    def skus(query: str) -> list[str]:
        response = client.get(f"/api/v1/products?{query}", headers=key)
        assert response.status_code == 200, response.get_json()
        return [p["sku"] for p in response.get_json()["items"]]

    assert skus("category=Kitchen") == ["MUG"]
    assert skus("tag=camping") == ["MUG", "TENT"]
    assert skus("tag=camping&active=true") == ["MUG"]
    assert skus("in_stock=false") == ["MUG"]
    assert skus("q=waterproof%20jacket") == ["JKT"]
    for bad in ("per_page=0", "page=abc", "in_stock=maybe", "color=red"):
        response = client.get(f"/api/v1/products?{bad}", headers=key)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "invalid_request"


def test_the_openapi_document_describes_the_product_routes(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"get"} <= set(spec["paths"]["/api/v1/products"])
    assert {"put"} <= set(spec["paths"]["/api/v1/products/{sku}"])
    assert "ProductIn" in spec["components"]["schemas"]
    # Prices are exact decimals sent and returned as strings, and documented so: a
    # "number" with string bounds is not valid OpenAPI, and clients would send floats.
    for name in ("ProductIn", "ProductOut", "VariantIn", "VariantOut"):
        price = spec["components"]["schemas"][name]["properties"]["price"]
        assert (price["type"], price["format"]) == ("string", "decimal"), name
        assert "minimum" not in price and "maximum" not in price, name


def test_the_json_catalog_file_put_through_the_api_keeps_good_products(
    rt: Runtime, client: Any, key: dict[str, str]
) -> None:
    rows = json.loads((FILES / "products.json").read_text(encoding="utf-8"))
    products_in_file = [r for r in rows if isinstance(r, dict)]
    statuses = {r["sku"]: put(client, r["sku"], r, key).status_code for r in products_in_file}
    assert statuses == {"JKT-100": 201, "BAD-PRICE": 422, "MUG-1": 201, "NO-TITLE": 422}
    first = client.get("/api/v1/products", headers=key).get_json()
    assert [p["sku"] for p in first["items"]] == ["JKT-100", "MUG-1"]
    for row in products_in_file[:1]:
        assert put(client, row["sku"], row, key).status_code == 200
    again = client.get("/api/v1/products", headers=key).get_json()
    assert again == first  # the same product put again changed nothing, not even updated_at
