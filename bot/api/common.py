"""What the merchant API's modules share: the error body, address fields, error docs.

Every answer the API can give is in the OpenAPI document, errors included, so a
client generated from it (or schemathesis) knows them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sized
from decimal import Decimal
from typing import Any, TypeVar

from flask_smorest import Blueprint
from marshmallow import ValidationError, fields

from bot.api import ErrorSchema
from channels.base import Address

F = TypeVar("F", bound=Callable[..., Any])

ERROR_TEXT = {
    400: "The body is not valid JSON.",
    401: "No API key, or one that is not valid.",
    403: "The API key lacks the scope this route needs.",
    404: "Nothing with that identifier.",
    409: "The request conflicts with the current state; `code` says how.",
    422: "The body is JSON, but not what this route takes; `details` lists the fields.",
}


def errors(bp: Blueprint, *codes: int) -> Callable[[F], F]:
    """Document the error answers a route gives, with souk's error shape."""

    def decorate(view: F) -> F:
        for code in (401, 403, *codes):
            view = bp.alt_response(code, schema=ErrorSchema, description=ERROR_TEXT[code])(view)
        return view

    return decorate


AMOUNT = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,6})?$")


class Amount(fields.String):
    """Money as a decimal string ("49.90"), exact: never a JSON float."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"example": "49.90", "pattern": AMOUNT.pattern, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(  # type: ignore[override]  # a String on the wire, a Decimal in Python
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> Decimal:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not AMOUNT.match(text):
            raise ValidationError("not an amount: digits, then at most 6 decimals (\"49.90\")")
        return Decimal(text)


def at_most(count: int) -> Callable[[Sized], None]:
    """A size limit for objects (marshmallow's Length would be documented as maxLength)."""

    def check(value: Sized) -> None:
        if len(value) > count:
            raise ValidationError(f"at most {count} entries")

    return check


class AddressField(fields.String):
    """A shopper's channel address: `whatsapp:+5511987654321`, `sms:+1...`, `telegram:42`."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"example": "whatsapp:+5511987654321",
                    "description": "channel:id, the phone number in E.164"}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(  # type: ignore[override]  # a String on the wire, an Address in Python
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> Address:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return Address.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)
