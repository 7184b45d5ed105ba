"""schemathesis over the whole merchant API, with a key holding every scope: no 500.

Every operation in the OpenAPI document souk serves is exercised in-process with
generated paths, queries and bodies, valid and invalid; whatever comes, the answer
is a documented status with a JSON body matching the documented schema, never a
server error. Bounded to stay fast. (schemathesis's pytest plugin does not load
under this pytest, so the cases are drawn with Hypothesis directly.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bot.api import SCOPES
from bot.api.keys import create_key

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Invalid input is refused with a 4xx, case by case. schemathesis knows which of its
# "negative" cases reach the server as valid requests after all (an extra query
# parameter with no value is not sent; "0" is a fine category), which a tally of
# statuses cannot tell apart from souk accepting bad input.
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def test_the_document_lists_the_routes_of_the_contract(app) -> None:  # type: ignore[no-untyped-def]
    paths = app.test_client().get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/customers/{address}/consent", "/api/v1/customers/{address}/export",
            "/api/v1/customers/{address}"} <= set(paths)
    error = app.test_client().get("/api/v1/openapi.json").json["components"]["schemas"]["Error"]
    assert error["properties"]["error"]  # documented in souk's error shape


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_makes_the_api_fail(rt, app, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The test sends its own key: a generated (or negated) Authorization header would be
    # replaced before it reached souk, turning a "negative" case into a valid request.
    schema.config.generation.update(with_security_parameters=False)
    key = create_key(rt.db, f"fuzz-{mode.value}", list(SCOPES))
    headers = {"Authorization": f"Bearer {key}"}
    seen: set[str] = set()
    statuses: set[int] = set()

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data: Any) -> None:
        case = data.draw(schema.as_strategy(generation_mode=mode))
        response = case.call(headers=headers)
        seen.add(f"{case.method} {case.path}")
        statuses.add(response.status_code)
        case.validate_response(
            response, checks=NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else CHECKS)
        assert response.headers["content-type"][0].startswith("application/json")

    run()
    assert len(seen) >= 3  # every operation was tried
    if mode is GenerationMode.POSITIVE:
        assert 200 in statuses  # valid input went all the way through
    else:
        assert statuses & {400, 422}  # invalid input was refused as such
