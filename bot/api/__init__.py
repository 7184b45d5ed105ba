"""The merchant API under /api/v1: bearer API keys with scopes, JSON errors in one shape,
and an OpenAPI document generated from the code (flask-smorest) at /api/v1/openapi.json.

Each area is a `flask_smorest.Blueprint` in its own module, listed in BLUEPRINTS.
"""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

import marshmallow as ma
from flask import Flask, Response, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

SCOPES = ("catalog", "orders", "customers", "messages", "privacy")

# Modules that define a `bp` (flask_smorest.Blueprint) to mount under /api/v1.
BLUEPRINTS: tuple[str, ...] = (
    "bot.api.products", "bot.api.customers", "bot.api.orders", "bot.api.messages",
)


class ErrorBodySchema(ma.Schema):
    """What went wrong: a stable code to branch on and a sentence for people."""

    code = ma.fields.String(required=True, metadata={"example": "invalid_request"})
    message = ma.fields.String(required=True)
    details = ma.fields.Raw(metadata={"description": "Field-by-field problems, when any."})


class ErrorSchema(ma.Schema):
    """Every error answer: {"error": {"code", "message"}}."""

    error = ma.fields.Nested(ErrorBodySchema, required=True)


class SoukApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with souk's error shape: {"error": {"code", "message"}}."""

    # Documents souk's error shape for every operation's default response.
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return error_response(error)


def error_response(error: HTTPException) -> Response:
    data: dict[str, Any] = getattr(error, "data", None) or {}
    code = data.get("code") or (error.name or "error").lower().replace(" ", "_")
    message = data.get("message") or error.description or error.name
    body: dict[str, Any] = {"code": code, "message": message}
    messages = data.get("messages")
    if messages:
        # webargs: {"json": {"field": ["problem"]}} → {"field": ["problem"]}
        details = messages.get("json", messages) if isinstance(messages, dict) else messages
        body["details"] = _string_keys(details)
        if code == "unprocessable_entity":
            body["code"] = "invalid_request"
            body["message"] = "The request body is not valid."
        elif code == "bad_request" and isinstance(messages, dict) and "json" in messages:
            body = {"code": "malformed_json", "message": "The request body is not valid JSON."}
    response = jsonify(error=body)
    response.status_code = error.code or 500
    headers = {**(getattr(error, "headers", None) or {}), **(data.get("headers") or {})}
    for key, value in headers.items():
        response.headers[key] = value
    return response


def _string_keys(value: Any) -> Any:
    """marshmallow keys list items by index (int) beside field names: JSON wants strings."""
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def init_app(app: Flask) -> Api:
    """Mount the API and its OpenAPI document on `app`."""
    app.config.update(
        API_TITLE="souk merchant API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer",
                               "description": "An API key from `souk apikey create`."}
                }
            },
            "security": [{"bearer": []}],
            "info": {"description": "Catalog, orders, consent, messages and privacy for "
                                    "souk merchants."},
        },
    )
    api = SoukApi(app)
    # Before the blueprints: their schemas are documented as they are registered.
    from bot.catalog.schema import DecimalString

    api.register_field(DecimalString, "string", "decimal")
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        api.register_blueprint(module.bp, url_prefix="/api/v1" + getattr(module, "PREFIX", ""))
    app.extensions["souk_api"] = api
    return api


def abort_json(status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> NoReturn:
    """Stop the request with souk's JSON error (and extra headers, such as Retry-After)."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[status]()
    # The shape flask-smorest's abort() gives, read back by error_response().
    error.data = {"code": code, "message": message, "headers": headers or {}}  # type: ignore[attr-defined]
    raise error


__all__ = ["BLUEPRINTS", "SCOPES", "abort_json", "init_app", "jsonify"]
