"""Exact money: Decimal amounts, minor units per ISO 4217, prices in the shopper's currency.

Catalog prices are decimals in the product's currency; the shop file gives rates
from its base currency (`[fx]`, 1 base = rate). A displayed or charged price is
converted once, rounded half-up to the target currency's minor units, and the rate
used is recorded on the order (DESIGN.md rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bot import i18n
from bot.shop import Shop


class UnknownCurrency(ValueError):
    """The shop file has no rate for a currency souk was asked to convert."""


@dataclass(frozen=True, slots=True)
class Price:
    """An amount in one currency, already rounded to that currency's minor units."""

    amount: Decimal
    currency: str

    @property
    def minor(self) -> int:
        """The amount in minor units (cents, centavos; yen are their own minor unit)."""
        return to_minor(self.amount, self.currency)

    def format(self, locale: str) -> str:
        return i18n.format_money(self.amount, self.currency, locale)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor units."""
    digits = i18n.minor_units(currency)
    return amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(i18n.minor_units(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-i18n.minor_units(currency))


def rate(shop: Shop, source: str, target: str) -> Decimal:
    """How many `target` units one `source` unit is worth, through the shop's base currency."""
    source, target = source.upper(), target.upper()
    if source == target:
        return Decimal(1)
    rates = {shop.base_currency: Decimal(1), **shop.fx}
    if source not in rates:
        raise UnknownCurrency(f"no exchange rate for {source} in the shop file")
    if target not in rates:
        raise UnknownCurrency(f"no exchange rate for {target} in the shop file")
    return rates[target] / rates[source]


def convert(shop: Shop, amount: Decimal, source: str, target: str) -> Price:
    """`amount` of `source` as a rounded Price in `target`."""
    return Price(quantize(amount * rate(shop, source, target), target), target.upper())


def display_currency(shop: Shop, country: str | None) -> str:
    """The currency a shopper from `country` sees prices in (base currency if unknown)."""
    currency = shop.currency_for(country)
    return currency if currency == shop.base_currency or currency in shop.fx else shop.base_currency
