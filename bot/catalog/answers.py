"""Answering questions: about the product being discussed, or about the shop.

    "is it waterproof?"     the product's attributes (waterproof: true/false)
    "what sizes?"           its variants, and which of them are in stock
    "do you have it in red?"
    "does it pack small?"   its FAQ, in the shopper's language
    "do you ship to Mexico?", "can I return it?", "how can I pay?"   bot/catalog/policies.py

`reply()` also decides whether a message is a question at all: "do you have red
jackets?" while looking at sneakers is a new search, not a question about the
sneakers. When souk cannot answer it says so (`known=False`) and the flow offers a
person: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.catalog import policies
from bot.catalog.display import COLOR_KEYS, Shower, live_variants, text_in
from bot.catalog.query import SIZE_KEYS, parse, size_term
from bot.catalog.store import in_stock
from bot.catalog.text import CONCEPT, Token, analyze, expand, fold, lexicon
from bot.models import Product
from flows.catalog_facts import Answer

PRODUCT_TOPICS = ("warranty", "material", "sizes", "colors", "price", "stock")
COLORS = frozenset(CONCEPT + c for c in ("red", "blue", "navy", "green", "black", "white",
                                         "gray", "brown", "yellow", "orange", "pink",
                                         "purple", "beige", "silver", "gold"))
FAQ_MATCH = 0.6  # share of an FAQ question's words a shopper's question must have

Found = tuple[str, dict[str, Any]]


def reply(text: str, *, asked: bool, product: Product | None, shower: Shower,
          single: Product | None = None) -> Answer | None:
    """The answer to `text`, or None when it is not a question souk should answer.

    `asked`: the words were understood as a question (Intent.ASK), so an answer is
    owed, if only "I don't know". `single`: the only product of the last results,
    which "it" may mean when no product is being discussed.
    """
    words = policies.question_words()
    flat = policies.normalize(text)
    if words.orders.search(flat):
        return None  # "how long until my order arrives?" is for order tracking
    topics = words.found(flat)
    tokens = analyze(text)
    subject = product or single
    about = [t for t in topics if t in PRODUCT_TOPICS]
    attributes = _asked_attributes(subject, tokens) if subject is not None else []
    other = _other_words(tokens, subject, words)
    policy = next((t for t in topics if t in policies.POLICY_TOPICS), None)
    if policy and (asked or not other) and not (about or attributes):
        return policies.answer(policy, shower, words.country(flat))
    if subject is None:
        if not asked:
            return None
        if about or any(t.concept for t in tokens):
            return Answer("which_product")
        return Answer("unknown_shop", known=False)
    if other and not asked:
        return None  # new words: a search, not a question about this product
    # Unasked, "waterproof jacket" is a search even about a waterproof jacket; "waterproof?"
    # or "in red?" is a question.
    named = attributes or _colors(tokens) or _sizes(text, tokens)
    if not asked and not (about or ("?" in text and named)):
        return None
    title = shower.title(subject)
    found = (_faq(subject, tokens, shower)
             or _by_attribute(subject, attributes, shower)
             or _by_topic(subject, about, tokens, text, shower))
    if found is None:
        return Answer("unknown", {"title": title}, subject.id, known=False)
    topic, params = found
    return Answer(topic, {"title": title, **params}, subject.id)


def _colors(tokens: Sequence[Token]) -> list[str]:
    return [term for t in tokens if t.concept for term in t.terms if term in COLORS]


def _sizes(text: str, tokens: Sequence[Token]) -> tuple[str, ...]:
    """Sizes named: "talla 42", or a bare number ("do you have it in 42?")."""
    return parse(text, locale="en").sizes or tuple(size_term(t.surface) for t in tokens
                                                   if t.number)


def _terms(text: str) -> set[str]:
    return {term for token in analyze(text) for term in expand(token.terms)}


def _asked_attributes(product: Product, tokens: Sequence[Token]) -> list[str]:
    """The product's attribute names the question mentions ("waterproof", "material")."""
    asked = {term for t in tokens for term in t.terms}
    return [key for key in (product.attributes or {}) if _terms(key.replace("_", " ")) & asked]


def _other_words(tokens: Sequence[Token], product: Product | None,
                 words: policies.QuestionWords) -> bool:
    """Whether the words name something beyond the product, its options and the topics."""
    known: set[str] = set()
    if product is not None:
        for value in (product.title or {}).values():
            known |= _terms(value)
        for key, value in (product.attributes or {}).items():
            known |= _terms(key.replace("_", " ")) | _terms(str(value))
    for token in tokens:
        if token.number or token.surface in words.countries:
            continue
        if any(t in known or t in COLORS for t in token.terms):
            continue
        if all(w in words.vocabulary for w in token.surface.split()):
            continue
        return True
    return False


def _faq(product: Product, tokens: Sequence[Token], shower: Shower) -> Found | None:
    asked = {term for t in tokens for term in t.terms}
    best: tuple[float, dict[str, Any]] | None = None
    for item in product.faq or ():
        for question in (item.get("question") or {}).values():
            wanted = {t for tok in analyze(question) for t in tok.terms}
            if not wanted:
                continue
            share = len(wanted & asked) / len(wanted)
            if share >= FAQ_MATCH and (best is None or share > best[0]):
                best = (share, item)
    if best is None:
        return None
    text = text_in(best[1].get("answer"), shower.locale, shower.shop.default_locale)
    return ("faq", {"answer": text}) if text else None


def _by_attribute(product: Product, keys: list[str], shower: Shower) -> Found | None:
    for key in keys:
        value = (product.attributes or {})[key]
        concept = next((t for tok in analyze(key.replace("_", " ")) for t in tok.terms
                        if t.startswith(CONCEPT)), None)
        name = (lexicon().name(concept, shower.locale) if concept else None) or \
            key.replace("_", " ")
        if isinstance(value, bool):
            return ("attribute_yes" if value else "attribute_no"), {"attribute": name}
        if isinstance(value, dict):
            shown = text_in(value, shower.locale, shower.shop.default_locale)
        elif isinstance(value, list):
            shown = shower.join([shower.words(str(v)) for v in value])
        else:
            shown = shower.words(str(value))
        if fold(key) == "material":
            return "material", {"value": shown}
        return "attribute_value", {"attribute": name, "value": shown}
    return None


def _by_topic(product: Product, about: list[str], tokens: Sequence[Token], text: str,
              shower: Shower) -> Found | None:
    sizes = _sizes(text, tokens)
    colors = _colors(tokens)
    if sizes or "sizes" in about:
        return _options(product, SIZE_KEYS, "size", sizes, shower)
    if colors or "colors" in about:
        return _options(product, COLOR_KEYS, "color", tuple(colors), shower)
    if "material" in about:
        material = [k for k in (product.attributes or {}) if fold(k) == "material"]
        return _by_attribute(product, material, shower)
    if "price" in about:
        return "price", {"price": shower.price(product)}
    if "stock" in about:
        return ("in_stock" if in_stock(product) else "out_of_stock"), {}
    return None


def _options(product: Product, keys: frozenset[str], kind: str, wanted: Sequence[str],
             shower: Shower) -> Found | None:
    """Sizes or colours: which there are and which are in stock, or whether one is."""
    every = shower.values(product, keys)
    if not every:
        return None  # the catalog does not say: a question for a person
    if not wanted:
        stocked = shower.values(product, keys, stocked_only=True)
        if not stocked:
            return f"{kind}s_none_left", {"values": shower.join(every)}
        return f"{kind}s", {"values": shower.join(every), "available": shower.join(stocked)}
    for value in wanted:
        matching = [(v, str(o)) for v in live_variants(product) for k, o in v.options.items()
                    if fold(k) in keys and _same(kind, value, str(o))]
        if matching:
            shown = shower.option_value("color" if kind == "color" else "size", matching[0][1])
            available = any(v.stock is None or v.stock > 0 for v, _ in matching)
            return (f"{kind}_yes" if available else f"{kind}_out"), {"value": shown}
    first = wanted[0]
    asked = first.removeprefix("size:") if kind == "size" else (
        lexicon().name(first, shower.locale) or first[1:])
    return f"{kind}_no", {"value": asked, "values": shower.join(every)}


def _same(kind: str, wanted: str, option: str) -> bool:
    if kind == "size":
        return size_term(option) == wanted
    return wanted in _terms(option)
