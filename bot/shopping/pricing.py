"""What an order costs in the shopper's currency: lines, shipping from the shop file, total.

Money is exact (DESIGN.md rule 5). Each unit price is converted once from the
product's currency and rounded to the charged currency's minor units, so a line is
exactly unit × quantity and the total is exactly what the shopper saw. Amounts are
integers in minor units per ISO 4217 as Babel knows them: JPY has none (¥1,235 is
1235), and IDR keeps its two ISO digits, as Stripe expects for IDR too (Rp 792.341,50
is 79234150), although whole rupiah are shown without them.

Shipping is the shop file's flat fee for the destination (in the base currency),
converted the same way, and free when the subtotal reaches `free_over` (compared in
the base currency, before rounding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.lists import format_list

from bot import i18n, money
from bot.models import Product, Variant
from bot.shop import Shop

__all__ = [
    "METHOD_CURRENCIES",
    "NEEDS_EMAIL",
    "Line",
    "Quote",
    "describe_methods",
    "format_minor",
    "methods_for",
    "quote",
    "title_of",
    "unit_price",
    "variant_label",
]

# Voucher and bank methods work only in their own currency (PROVIDERS.md §8): a shop
# file that offers Pix to a country whose prices are in USD would make Stripe refuse
# the whole session, so such a method is left out rather than offered.
METHOD_CURRENCIES: Mapping[str, frozenset[str]] = {
    "pix": frozenset({"BRL"}),
    "boleto": frozenset({"BRL"}),
    "oxxo": frozenset({"MXN"}),
    "ideal": frozenset({"EUR"}),
    "bancontact": frozenset({"EUR"}),
    "sepa_debit": frozenset({"EUR"}),
    "paynow": frozenset({"SGD"}),
    "grabpay": frozenset({"SGD", "MYR"}),
    "promptpay": frozenset({"THB"}),
    "konbini": frozenset({"JPY"}),
}
# How methods are named to shoppers; brand names are not translated.
METHOD_NAMES: Mapping[str, str] = {
    "card": i18n.N_("card"),
    "pix": "Pix",
    "boleto": "boleto",
    "oxxo": "OXXO",
    "ideal": "iDEAL",
    "bancontact": "Bancontact",
    "sepa_debit": i18n.N_("SEPA bank transfer"),
    "paynow": "PayNow",
    "grabpay": "GrabPay",
    "promptpay": "PromptPay",
    "konbini": "Konbini",
}
# Vouchers are paid later, in a shop or a bank, and arrive by email.
NEEDS_EMAIL = frozenset({"boleto", "oxxo", "konbini"})


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a cart or order, priced in the charged currency."""

    product_id: int
    variant_id: int | None
    sku: str
    title: str
    options: Mapping[str, Any] | None
    quantity: int
    unit_minor: int

    @property
    def total_minor(self) -> int:
        return self.unit_minor * self.quantity


@dataclass(frozen=True, slots=True)
class Quote:
    """Lines, shipping and total in one currency, and the rate from the base currency."""

    currency: str
    base_currency: str
    fx_rate: Decimal  # 1 base_currency = fx_rate currency
    lines: tuple[Line, ...]
    subtotal_minor: int
    shipping_minor: int | None  # None: the shop does not ship to `country`
    country: str | None
    days: str | None

    @property
    def ships(self) -> bool:
        return self.shipping_minor is not None

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + (self.shipping_minor or 0)


def title_of(product: Product, locale: str) -> str:
    """The product's title in `locale`, its language, English, or any it has."""
    titles = product.title or {}
    for key in (locale, locale.split("_")[0], "en"):
        if titles.get(key):
            return str(titles[key])
    return str(next(iter(titles.values()), product.sku))


def variant_label(variant: Variant | None) -> str | None:
    """A variant's options as shoppers read them: "Green / L"."""
    if variant is None or not variant.options:
        return None
    return " / ".join(str(value) for value in variant.options.values())


def unit_price(product: Product, variant: Variant | None) -> Decimal:
    """The catalog price of one unit, in the product's currency."""
    if variant is not None and variant.price is not None:
        return Decimal(variant.price)
    return Decimal(product.price)


def quote(shop: Shop, items: Iterable[tuple[Product, Variant | None, int]], *,
          currency: str, country: str | None, locale: str) -> Quote:
    """Price `items` (product, variant, quantity) for delivery to `country` in `currency`."""
    lines: list[Line] = []
    subtotal_base = Decimal(0)
    for product, variant, quantity in items:
        price = unit_price(product, variant)
        unit = money.convert(shop, price, product.currency, currency)
        subtotal_base += price * money.rate(shop, product.currency, shop.base_currency) * quantity
        title = title_of(product, locale)
        label = variant_label(variant)
        lines.append(Line(
            product_id=product.id,
            variant_id=variant.id if variant is not None else None,
            sku=variant.sku if variant is not None else product.sku,
            title=f"{title} ({label})" if label else title,
            options=dict(variant.options) if variant is not None and variant.options else None,
            quantity=quantity,
            unit_minor=unit.minor,
        ))
    zone = shop.shipping.get(country or "")
    shipping: int | None = None
    if zone is not None:
        free = shop.free_shipping_over is not None and subtotal_base >= shop.free_shipping_over
        fee = Decimal(0) if free else zone.fee
        shipping = money.convert(shop, fee, shop.base_currency, currency).minor
    return Quote(
        currency=currency.upper(),
        base_currency=shop.base_currency,
        fx_rate=money.rate(shop, shop.base_currency, currency),
        lines=tuple(lines),
        subtotal_minor=sum(line.total_minor for line in lines),
        shipping_minor=shipping,
        country=country,
        days=zone.days if zone is not None else None,
    )


def methods_for(shop: Shop, country: str | None, currency: str,
                email: bool = True) -> tuple[str, ...]:
    """Payment methods offered to `country` that work in `currency` (vouchers need email)."""
    methods = []
    for method in shop.methods_for(country):
        allowed = METHOD_CURRENCIES.get(method)
        if allowed is not None and currency.upper() not in allowed:
            continue
        if method in NEEDS_EMAIL and not email:
            continue
        methods.append(method)
    return tuple(methods) or ("card",)


def format_minor(minor: int, currency: str, locale: str) -> str:
    """An amount in minor units as `locale` writes it: 79234150 IDR → "Rp 792.341,50"."""
    return i18n.format_money(money.from_minor(minor, currency), currency, locale)


def describe_methods(methods: Iterable[str], locale: str) -> str:
    """Methods as a sentence fragment in `locale`: "card, Pix or boleto"."""
    names = [i18n.gettext(locale, METHOD_NAMES[m]) if m in ("card", "sepa_debit")
             else METHOD_NAMES.get(m, m) for m in methods]
    return str(format_list(names, style="or", locale=i18n.babel_locale(locale)))
