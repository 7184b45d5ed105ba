"""Exact money: Decimal amounts, minor units per ISO 4217, prices in the shopper's currency.

Catalog prices are decimals in the product's currency; the shop file gives rates
from its base currency (`[fx]`, 1 base = rate). A displayed or charged price is
converted once, rounded half-up to the target currency's minor units, and the rate
used is recorded on the order (DESIGN.md rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import localedata
from babel.core import get_global

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


def cash_digits(currency: str) -> int:
    """Digits a shopper sees in a price: ISO 4217's, fewer where cash has none (IDR: 0)."""
    fractions = get_global("currency_fractions")
    cash = int(fractions.get(currency.upper(), fractions["DEFAULT"])[2])
    return min(cash, i18n.minor_units(currency))


def display_price(shop: Shop, amount: Decimal, source: str, country: str | None) -> Price:
    """`amount` of `source` in the currency a shopper from `country` sees, rounded as shown.

    Rounded half-up to the digits the currency is written with (JPY and IDR: none), so
    what is shown is exactly an amount that can be charged.
    """
    target = display_currency(shop, country)
    try:
        factor = rate(shop, source, target)
    except UnknownCurrency:
        target, factor = source.upper(), Decimal(1)
    digits = cash_digits(target)
    value = (amount * factor).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return Price(value, target)


def display_locale(locale: str, country: str | None) -> str:
    """The locale prices are written in: the shopper's language in their country.

    "es" from MX writes "es_MX" ($674.07, not "674,07 MXN"); a pair Babel does not know
    ("en" from BR) keeps the language alone.
    """
    language = locale.split("_")[0]
    if country:
        candidate = f"{language}_{country.upper()}"
        if localedata.exists(candidate):
            return candidate
    return locale


def format_price(shop: Shop, amount: Decimal, source: str, *, country: str | None,
                 locale: str) -> str:
    """A catalog price as a shopper from `country` reads it in `locale`: "R$ 199,90"."""
    price = display_price(shop, amount, source, country)
    return price.format(display_locale(locale, country))
