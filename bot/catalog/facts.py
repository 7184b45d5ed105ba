"""The catalog's facts for a message: search results, the chosen product, an answer.

Registered in bot/facts.py; the catalog flow (flows/catalog.py) reads what this puts
in `Context.facts` (keys and types in flows/catalog_facts.py). Everything is ready to
show: titles in the shopper's language, prices in their currency.

    "product:<id>[:<variant>]"        → PRODUCT (or GONE)
    "more", "results"                  → PAGE: the next page, or the current one again
    a question (or words that are one) → ANSWER
    other words                        → PAGE: a search
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import facts, language
from bot.catalog import answers, get_product
from bot.catalog.display import Shower
from bot.catalog.search import find
from bot.i18n import format_money
from bot.models import Product
from bot.money import display_currency, display_locale
from channels.base import Address
from flows.catalog_facts import ANSWER, GONE, PAGE, PRODUCT, Page
from flows.types import Intent

PAGE_SIZE = 5
MAX_QUERY_SHOWN = 60
QUESTION_INTENTS = (Intent.ASK, Intent.BROWSE, Intent.UNKNOWN, Intent.TRACK)


def _country(req: facts.FactRequest) -> str | None:
    customer = req.conversation.customer
    if customer is not None and customer.country:
        return str(customer.country)
    phone = Address.parse(req.conversation.address).phone
    return language.country_of(phone) if phone else None


@facts.provider
def catalog_facts(req: facts.FactRequest) -> Mapping[str, Any]:
    """What the catalog flow needs to answer this message (see the module docstring)."""
    event = req.event
    rt = req.rt
    shower = Shower(rt.shop, req.locale, _country(req), rt.settings.public_base_url)
    payload = event.payload or ""
    if event.intent is Intent.CHOICE:
        if payload.startswith("product:"):
            return _product(req, shower, payload)
        if payload == "results":
            return _page(req, shower, str(req.slots.get("query") or ""),
                         int(req.slots.get("page") or 0))
        return {}
    if event.intent is Intent.MORE:
        query = str(req.slots.get("query") or "")
        return _page(req, shower, query, int(req.slots.get("page") or 0) + 1) if query else {}
    if event.intent not in QUESTION_INTENTS or payload == "shop":
        return {}
    product = _slot_product(req, "product")
    results = req.slots.get("results") or []
    single = _slot_product(req, "results") if len(results) == 1 else None
    found = answers.reply(event.text, asked=event.intent is Intent.ASK, product=product,
                          shower=shower, single=single)
    if found is not None:
        out: dict[str, Any] = {ANSWER: found}
        if found.topic == "which_product" and req.slots.get("query"):
            out.update(_page(req, shower, str(req.slots["query"]), int(req.slots.get("page")
                                                                          or 0)))
        return out
    if event.intent is Intent.TRACK:
        return {}
    return _page(req, shower, event.text, 0)


def _slot_product(req: facts.FactRequest, slot: str) -> Product | None:
    value = req.slots.get(slot)
    if isinstance(value, list):
        value = value[0] if value else None
    return get_product(req.session, value) if isinstance(value, int) else None


def _product(req: facts.FactRequest, shower: Shower, payload: str) -> Mapping[str, Any]:
    parts = payload.split(":")
    ids = [int(p) for p in parts[1:3] if p.isdigit()]
    product = get_product(req.session, ids[0]) if ids and len(ids) == len(parts) - 1 else None
    if product is None:
        return {GONE: True}
    return {PRODUCT: shower.card(product, ids[1] if len(ids) > 1 else None)}


def _page(req: facts.FactRequest, shower: Shower, query: str, page: int) -> Mapping[str, Any]:
    rt = req.rt
    currency = display_currency(rt.shop, shower.country)
    searched = find(req.session, query, locale=req.locale, limit=PAGE_SIZE,
                    offset=page * PAGE_SIZE, currency=currency, shop=rt.shop)
    result = searched.result
    if searched.empty or (page and not result.hits):
        return {}  # nothing to search for, or past the last page

    listings = []
    for hit in result.hits:
        product = get_product(req.session, hit.product_id)
        if product is not None:
            listings.append(shower.listing(product, hit.variant_id, hit.in_stock))
    limit_locale = display_locale(req.locale, shower.country)

    def money(amount: Any) -> str | None:
        if amount is None or result.currency is None:
            return None
        return format_money(amount, result.currency, limit_locale)

    query = " ".join(query.split())
    shown = query.strip(" ?¿!¡.")
    if len(shown) > MAX_QUERY_SHOWN:
        shown = shown[: MAX_QUERY_SHOWN - 1].rsplit(" ", 1)[0] + "…"
    return {PAGE: Page(query=query, shown=shown, items=tuple(listings), total=result.total,
                       page=page,
                       first=page * PAGE_SIZE + 1, price_min=money(result.price_min),
                       price_max=money(result.price_max), confident=searched.complete)}
