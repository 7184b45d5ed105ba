"""schemathesis against the generated OpenAPI document: no server error, nothing off-document.

Every operation is called with generated requests (valid and not) over real HTTP, with
a key of every scope and an order in place so that reads and events find something.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.api import SCOPES
from bot.api.keys import create_key
from tests.integration.live_api import live_fixture  # noqa: F401

EXAMPLES = 25  # per operation and mode: the whole document in well under a minute
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The document is the same on both databases; the API's own tests cover PostgreSQL."""
    return sqlite_url


@pytest.fixture
def merchant_key(rt) -> str:  # type: ignore[no-untyped-def]
    return create_key(rt.db, "fuzzer", list(SCOPES))


@pytest.fixture
def api_schema(live: str, merchant_key: str) -> Iterator[schemathesis.BaseSchema]:
    import httpx

    headers = {"Authorization": f"Bearer {merchant_key}"}
    order = {"number": "1042", "to": "whatsapp:+5511987654321", "currency": "USD"}
    assert httpx.post(f"{live}/api/v1/orders", json=order, headers=headers).status_code == 201
    yield schemathesis.openapi.from_url(f"{live}/api/v1/openapi.json")


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_the_api_keeps_to_its_document(
    api_schema: schemathesis.BaseSchema, merchant_key: str, mode: GenerationMode,
) -> None:
    # schemathesis' own pytest plugin does not run under pytest 9 (it reads a removed
    # attribute of test items), so each operation gets a hypothesis test of its own here.
    headers = {"Authorization": f"Bearer {merchant_key}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_to_the_document()
