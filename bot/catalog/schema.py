"""What a product must look like: one set of marshmallow schemas for the API and the files.

`PUT /api/v1/products/{sku}`, `souk catalog import` and the demo catalog all validate
through `ProductIn`, so a product the API refuses is refused by an import too, with
the same words. The OpenAPI document is generated from these classes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#+-]{0,99}")
MAX_PRICE = Decimal("1e12")
LOCALE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8}){0,2}")


def check_sku(value: str) -> None:
    """Refuse a SKU souk could not use in a URL or a button: letters, digits, ._:/#+-."""
    if not SKU.fullmatch(value):
        raise ValidationError(
            "A SKU is 1-100 letters, digits or ._:/#+- and starts with a letter or digit."
        )


def check_locale(tag: str) -> None:
    """Refuse a key of a localized text that is not a locale ("en", "es", "pt_BR")."""
    if not LOCALE.fullmatch(tag):
        raise ValidationError(f"{tag!r} is not a locale such as en, es or pt_BR.")
    try:
        Locale.parse(tag)
    except (ValueError, UnknownLocaleError):
        raise ValidationError(f"{tag!r} is not a locale such as en, es or pt_BR.") from None


DESCRIBED = 'A string, or an object by locale such as {"en": "...", "es": "..."}.'


class Localized(fields.Field):  # type: ignore[type-arg]
    """A text in one language (a string) or several (an object by locale)."""

    def __init__(self, max_length: int = 5000, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {"description": DESCRIBED})
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> str | dict[str, str]:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, dict) and value:
            out = {}
            for tag, text in value.items():
                check_locale(str(tag))
                if not isinstance(text, str):
                    raise ValidationError(f"The {tag} text is not a string.")
                out[str(tag)] = self._text(text)
            return out
        raise ValidationError("Give a string, or an object of strings by locale.")

    def _text(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise ValidationError("The text is empty.")
        if len(text) > self.max_length:
            raise ValidationError(f"The text is longer than {self.max_length} characters.")
        return text

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class AttributeValue(fields.Field):  # type: ignore[type-arg]
    """An attribute's value: text, a number, true/false, a list of texts, or text by locale."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool | int | float | str):
            if isinstance(value, str) and len(value) > 500:
                raise ValidationError("An attribute value is at most 500 characters.")
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        if isinstance(value, dict):
            return Localized(max_length=500).deserialize(value)
        raise ValidationError("An attribute is text, a number, true/false, a list of texts "
                              "or an object of texts by locale.")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class DecimalString(fields.Decimal):
    """An exact decimal written as a JSON string ("39.90"), never a float.

    The OpenAPI document shows it as `{"type": "string", "format": "decimal"}`
    (bot/api registers it), as it is sent and read; marshmallow's Decimal alone is
    documented as a number, which is neither what the API returns nor what it asks for.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, allow_nan=False, places=None, **kwargs)


def _price(**kwargs: Any) -> DecimalString:
    return DecimalString(
        validate=validate.Range(min=Decimal(0), max=MAX_PRICE, max_inclusive=False,
                                error="A price is a decimal of 0 or more, such as 39.90."),
        metadata={"description": "A decimal string such as \"39.90\", in `currency`.",
                  "example": "39.90"},
        **kwargs,
    )


def _currency(value: str) -> None:
    if not (len(value) == 3 and value.isalpha() and is_currency(value.upper())):
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code such as USD.")


class VariantIn(Schema):
    """A size, colour or other option of a product, with its own stock and price."""

    sku = fields.String(required=True, validate=check_sku)
    options = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 40)),
        values=fields.String(validate=validate.Length(1, 100)),
        required=True, validate=validate.Length(min=1),
        metadata={"example": {"size": "42", "color": "red"}},
    )
    price = _price(allow_none=True, load_default=None)
    stock = fields.Integer(allow_none=True, load_default=None, strict=True,
                           validate=validate.Range(min=0))
    active = fields.Boolean(load_default=True)


class FaqIn(Schema):
    """A question shoppers ask about the product and its answer, by locale."""

    question = Localized(required=True, max_length=500)
    answer = Localized(required=True, max_length=2000)


class ProductIn(Schema):
    """A product to create or replace (by SKU)."""

    sku = fields.String(validate=check_sku, metadata={"description": "Taken from the URL "
                                                      "when omitted; must match it if given."})
    title = Localized(required=True, max_length=300)
    description = Localized(allow_none=True, load_default=None)
    price = _price(required=True)
    currency = fields.String(validate=_currency, load_default=None,
                             metadata={"description": "Default: the shop's base currency."})
    stock = fields.Integer(allow_none=True, load_default=None, strict=True,
                           validate=validate.Range(min=0),
                           metadata={"description": "null: not tracked (always in stock)."})
    images = fields.List(fields.Url(schemes={"http", "https"}, relative=True),
                         load_default=list, validate=validate.Length(max=20))
    category = fields.String(allow_none=True, load_default=None,
                             validate=validate.Length(1, 100))
    tags = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                       validate=validate.Length(max=50))
    attributes = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)),
                             values=AttributeValue(), load_default=dict,
                             metadata={"example": {"waterproof": True, "material": "nylon"}})
    variants = fields.List(fields.Nested(VariantIn), load_default=list,
                           validate=validate.Length(max=200))
    faq = fields.List(fields.Nested(FaqIn), load_default=list, validate=validate.Length(max=50))
    active = fields.Boolean(load_default=True)

    @validates_schema
    def _variant_skus(self, data: dict[str, Any], **kwargs: Any) -> None:
        skus = [v["sku"] for v in data.get("variants", [])]
        if len(set(skus)) != len(skus):
            raise ValidationError("Two variants have the same SKU.", "variants")


class VariantOut(Schema):
    """A variant as the API shows it."""

    id = fields.Integer()
    sku = fields.String()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    price = DecimalString(allow_none=True)
    stock = fields.Integer(allow_none=True)
    active = fields.Boolean()


class ProductOut(Schema):
    """A product as the API shows it."""

    id = fields.Integer()
    sku = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    price = DecimalString()
    currency = fields.String()
    stock = fields.Integer(allow_none=True)
    in_stock = fields.Boolean()
    images = fields.List(fields.String())
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    attributes = fields.Dict()
    variants = fields.List(fields.Nested(VariantOut))
    faq = fields.List(fields.Dict())
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def problems(error: ValidationError) -> list[str]:
    """marshmallow's nested messages as lines: "variants.1.price: Not a valid number."."""
    out: list[str] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = "" if key == "_schema" else str(key)
                walk(f"{path}.{name}" if path and name else path or name, inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            out.extend(f"{path}: {v}" if path else v for v in value)
        elif isinstance(value, list):
            for item in value:
                walk(path, item)
        else:
            out.append(f"{path}: {value}" if path else str(value))

    walk("", error.messages)
    return out
