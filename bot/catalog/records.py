"""What the search index reads of a product, and the terms it finds in each field.

Every language of every field is read: a product titled in Spanish and Portuguese is
found by an English query through the concepts (bot/catalog/text.py). A field's
terms are a set (a word said in three languages counts once), weighted by where
they are found (BOOST).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.catalog.query import SIZE_KEYS, size_term
from bot.catalog.text import analyze, expand, fold

# Where a word is found says how much it tells about the product.
BOOST = {"title": 3.0, "category": 2.0, "tags": 2.0, "attributes": 2.0, "options": 1.5,
         "description": 1.0}


@dataclass(frozen=True, slots=True)
class VariantRecord:
    """What the index reads of a variant."""

    id: int
    options: Mapping[str, Any]
    price: Decimal | None
    stock: int | None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Record:
    """What the index reads of a product."""

    id: int
    title: Mapping[str, str]
    price: Decimal
    currency: str
    stock: int | None = None
    description: Mapping[str, str] | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    attributes: Mapping[str, Any] | None = None
    variants: tuple[VariantRecord, ...] = ()


def option_terms(options: Mapping[str, Any]) -> list[str]:
    """The terms of a variant's options: "size:42" for sizes, concepts for colours."""
    terms: list[str] = []
    for key, value in options.items():
        text = str(value)
        if fold(key) in SIZE_KEYS:
            terms.append(size_term(text))
            continue
        for token in analyze(text):
            terms.extend(expand(token.terms))
    return terms


def texts(value: Any) -> list[str]:
    """Every string in a field: a string, the values of a {locale: text}, a list's items."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in texts(v)]
    return [str(value)]


def _attribute_texts(attributes: Mapping[str, Any] | None) -> list[str]:
    out: list[str] = []
    for key, value in (attributes or {}).items():
        if value is True:  # {"waterproof": true} says "waterproof"; false says nothing
            out.append(key.replace("_", " "))
        elif fold(key) not in SIZE_KEYS:  # sizes are terms of their own
            out.extend(texts(value))
    return out


def terms(rec: Record, surfaces: set[str]) -> tuple[dict[str, float], float]:
    """The product's terms with their weight (the sum of the boosts of the fields holding
    them) and its length for BM25. Adds the words it holds to `surfaces`."""
    found: dict[str, set[str]] = {name: set() for name in BOOST}
    fields = (("title", texts(rec.title)), ("category", texts(rec.category)),
              ("tags", texts(list(rec.tags))), ("attributes", _attribute_texts(rec.attributes)),
              ("description", texts(rec.description)))
    for name, strings in fields:
        bucket = found[name]
        described = name == "description"
        for text in strings:
            for token in analyze(text):
                # A description's words count as they are; broader concepts and the
                # very words of concepts are for the fields that say what it is.
                bucket.update(token.terms if described else expand(token.terms))
                if token.literal and name == "title":
                    bucket.add(token.literal)
                if not token.number and " " not in token.surface:
                    surfaces.add(token.surface)
    for key, value in (rec.attributes or {}).items():
        if fold(key) in SIZE_KEYS:
            found["attributes"].update(size_term(v) for v in texts(value))
    for variant in rec.variants:
        if variant.active:
            found["options"].update(option_terms(variant.options))
    weights: dict[str, float] = {}
    length = 0.0
    for name, bucket in found.items():
        boost = BOOST[name]
        length += boost * len(bucket)
        for term in bucket:
            weights[term] = weights.get(term, 0.0) + boost
    return weights, length
