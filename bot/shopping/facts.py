"""Facts for the cart and checkout flows: the cart priced, the product a message names,
the checkout's answer parsed and its quote (bot/facts.py explains facts).

Only messages that concern the cart or checkout pay for these lookups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from bot import consent, i18n, money
from bot.catalog import get_product
from bot.catalog.search import search
from bot.facts import FactRequest, provider
from bot.models import CartItem, Product
from bot.nlu import normalize
from bot.shopping import known
from bot.shopping.cart import in_cart, items_of, stock_of, variant_of
from bot.shopping.places import Address, country_name, example_address
from bot.shopping.pricing import (
    NEEDS_EMAIL,
    Quote,
    describe_methods,
    format_minor,
    methods_for,
    quote,
    title_of,
    variant_label,
)
from flows import checkout
from flows.cart_words import parse_add, parse_add_payload
from flows.types import Intent

CART_INTENTS = (Intent.ADD, Intent.REMOVE, Intent.CART, Intent.CHECKOUT)


@provider
def shopping_facts(req: FactRequest) -> Mapping[str, Any]:
    """`cart` always, `pick` for an add, `drop` for a remove, `checkout` while checking out."""
    in_checkout = req.state in checkout.STATES
    if req.event.intent not in CART_INTENTS and not in_checkout:
        return {}
    s, shop = req.session, req.rt.shop
    items = items_of(s, req.conversation.customer_id)
    country = known.shopper_country(req.conversation)
    currency = money.display_currency(shop, country)
    view = cart_view(req, items, currency)
    facts: dict[str, Any] = {"cart": view}
    if req.event.intent is Intent.ADD:
        facts["pick"] = pick(s, req, items)
    elif req.event.intent is Intent.REMOVE:
        facts["drop"] = drop(req, view["lines"])
    if req.event.intent is Intent.CHECKOUT or in_checkout:
        facts["checkout"] = checkout_facts(s, req, items, view)
    return facts


def _priced(items: Sequence[CartItem]) -> list[tuple[Product, Any, int]]:
    return [(i.product, i.variant, i.quantity) for i in items]


def cart_view(req: FactRequest, items: Sequence[CartItem], currency: str) -> dict[str, Any]:
    """The cart's lines priced in `currency`, as data and as text, and what blocks paying."""
    locale = req.locale
    q = quote(req.rt.shop, _priced(items), currency=currency, country=None, locale=locale)
    lines = [
        {"item_id": item.id, "title": line.title, "quantity": line.quantity,
         "total": format_minor(line.total_minor, currency, locale)}
        for item, line in zip(items, q.lines, strict=True)
    ]
    problems = []
    for item, line in zip(items, q.lines, strict=True):
        stock = stock_of(item.product, item.variant)
        if not item.product.active or (item.variant is not None and not item.variant.active):
            problems.append(i18n.gettext(locale, i18n.N_("{title} is no longer sold."),
                                         title=line.title))
        elif stock is not None and stock < line.quantity:
            problems.append(i18n.gettext(
                locale, i18n.N_("{title}: only {n} left in stock, and your cart has {quantity}."),
                n=stock, title=line.title, quantity=line.quantity))
    return {
        "lines": lines,
        "text": lines_text(q, locale),
        "subtotal": format_minor(q.subtotal_minor, currency, locale),
        "problems": " ".join(problems),
    }


def lines_text(q: Quote, locale: str) -> str:
    """One line per product: "• 2 × Trail Tent 2P — R$ 1.019,80"."""
    return "\n".join(
        f"• {line.quantity} × {line.title} — {format_minor(line.total_minor, q.currency, locale)}"
        for line in q.lines
    )


def pick(s: Session, req: FactRequest, items: Sequence[CartItem]) -> dict[str, Any]:
    """The product (and variant, and quantity) an "add" message names, with its stock."""
    event, slots = req.event, req.slots
    product, variant_id, quantity, query = None, None, None, ""
    parsed = parse_add_payload(event.payload) if event.payload else None
    if parsed is not None:
        product_id, variant_id, quantity = parsed
        product = get_product(s, product_id)
    elif not event.payload:
        ask = parse_add(normalize(event.text))
        quantity, query = ask.quantity, ask.words
        results = [int(r) for r in slots.get("results") or []]
        discussed = get_product(s, int(slots["product"])) if slots.get("product") else None
        index = ask.index
        if index is None and quantity and not ask.pronoun and not query and discussed is None:
            index, quantity = quantity, None  # "add 2" after a list: the second one
        if index is not None:
            product = get_product(s, results[index - 1]) if 0 < index <= len(results) else None
        elif query and discussed is not None and _variant_named(discussed, query) is not None:
            product, variant_id = discussed, _variant_named(discussed, query)
        elif query:
            hits = search(s, query, locale=req.locale, limit=1).hits
            product = get_product(s, hits[0].product_id) if hits else None
            variant_id = hits[0].variant_id if hits else None
        else:
            product = discussed or (get_product(s, results[0]) if len(results) == 1 else None)
    if product is None:
        return {"found": False, "query": query}
    variant = variant_of(product, variant_id)
    variants = [v for v in product.variants if v.active]
    title = title_of(product, req.locale)
    label = variant_label(variant)
    facts: dict[str, Any] = {
        "found": True, "product_id": product.id, "variant_id": variant.id if variant else None,
        "title": f"{title} ({label})" if label else title, "quantity": quantity or 1,
        "query": query,
        "in_cart": in_cart(list(items), product.id, variant.id if variant else None),
    }
    if variants and variant is None:
        facts["variants"] = [{"id": v.id, "label": variant_label(v) or v.sku,
                              "stock": stock_of(product, v)} for v in variants]
        return facts
    stock = stock_of(product, variant)
    facts["stock"] = stock
    facts["available"] = None if stock is None else max(stock - facts["in_cart"], 0)
    return facts


def _variant_named(product: Product, words: str) -> int | None:
    """The variant whose options include every word ("the green one", "size 42")."""
    wanted = set(words.split())
    for variant in product.variants:
        label = set(normalize(variant_label(variant) or "").split())
        if variant.active and wanted and wanted <= label:
            return variant.id
    return None


def drop(req: FactRequest, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The cart line a "remove" message names: its button, its position or its words."""
    payload = req.event.payload or ""
    chosen = None
    if payload.startswith("remove:"):
        wanted = payload.removeprefix("remove:")
        chosen = next((line for line in lines if str(line["item_id"]) == wanted), None)
    elif not payload:
        ask = parse_add(normalize(req.event.text))
        position = ask.index or (ask.quantity if not ask.words else None)
        if position is not None and 0 < position <= len(lines):
            chosen = lines[position - 1]
        elif ask.words:
            words = set(ask.words.split())
            scored = [(len(words & set(normalize(line["title"]).split())), line) for line in lines]
            best = max(scored, key=lambda pair: pair[0], default=(0, None))
            chosen = best[1] if best[0] else None
    if chosen is None:
        return {"found": False}
    return {"found": True, "item_id": chosen["item_id"], "title": chosen["title"]}


def checkout_facts(s: Session, req: FactRequest, items: Sequence[CartItem],
                   view: Mapping[str, Any]) -> dict[str, Any]:
    """What the checkout flow needs: known details, this answer, the quote, the texts."""
    shop, locale, conv = req.rt.shop, req.locale, req.conversation
    before = known.last_details(s, conv.customer_id)
    suggested = known.shopper_country(conv)
    slot = req.slots.get(checkout.DRAFT)
    draft = checkout.merge_draft(req.state, req.event, slot, before, {}, suggested)
    answer = known.answer(req.state, req.event, draft.get("country"), conv)
    draft = checkout.merge_draft(req.state, req.event, slot, before, answer, suggested)
    country = draft.get("country")
    currency = money.display_currency(shop, country)
    q = quote(shop, _priced(items), currency=currency, country=country, locale=locale)
    offered = methods_for(shop, country, currency)
    methods = methods_for(shop, country, currency, email=not draft.get("email_skipped"))
    vouchers = [m for m in offered if m in NEEDS_EMAIL]
    names = {code: country_name(code, locale) for code in shop.shipping}
    return {
        "known": before,
        "answer": answer,
        "consented": consent.allowed(s, conv.customer_id, "order_updates"),
        "shipping_countries": dict(sorted(names.items(), key=lambda pair: pair[1])),
        "country_name": country_name(country, locale) if country else None,
        "ships": q.ships,
        "needs_email": bool(vouchers),
        "voucher_methods": describe_methods(vouchers, locale),
        "methods": describe_methods(methods, locale),
        "lines": lines_text(q, locale),
        "subtotal": format_minor(q.subtotal_minor, currency, locale),
        "shipping": (format_minor(q.shipping_minor, currency, locale) if q.shipping_minor
                     else i18n.gettext(locale, i18n.N_("free"))),
        "total": format_minor(q.total_minor, currency, locale),
        "days": q.days,
        "address": Address.one_line(draft.get("address") or {}),
        "example": example_address(country),
        "cart_ok": bool(view["lines"]) and not view["problems"],
        "problems": view["problems"],
    }
