"""Numbers, prices and dates the way the shopper's locale writes them, through Babel.

Re-exported by `bot.i18n`, where callers find them next to the messages they fill.
Money is `Decimal`; amounts are stored in minor units by ISO 4217 (`minor_units`).

Pass the shopper's country when it is known (`Context.country`): a language is
written differently in different countries ("1 234,50 €" in France, "1 234,50 $"
in Canada; "R$ 1.234,50" in Brazil, "1234,50 €" in Portugal, where shoppers read
our Brazilian catalog). `regional` picks the CLDR locale for the pair.

Digits are always Latin (0-9), also in Arabic: the same amount appears on the payment
page, on the card statement and in the carrier's tracking page in Latin digits, order
numbers and tracking codes are Latin anyway, and CLDR itself writes Arabic without a
country, and in the Gulf and the Maghreb, with Latin digits. Babel's numbering system
"latn" is what every function here uses; only the separators and patterns follow the
country (ar_EG writes "US$ 1,234.50" right to left, with an RLM Babel adds itself).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as _babel_format_date
from babel.localedata import locale_identifiers as localedata_list
from babel.numbers import format_decimal, get_currency_precision, is_currency

__all__ = [
    "babel_locale",
    "format_date",
    "format_money",
    "format_number",
    "minor_units",
    "regional",
]


@functools.lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """Return Babel's `Locale` for a locale name such as "pt_BR" or "zh-Hans"."""
    return Locale.parse(locale.replace("-", "_"))


@functools.lru_cache(maxsize=512)
def regional(locale: str, country: str | None) -> str:
    """The CLDR locale that writes `locale`'s language the way `country` does.

    ("fr", "CA") → "fr_CA", ("ar", "EG") → "ar_EG", ("pt_BR", "PT") → "pt_PT",
    ("zh_Hans", "SG") → "zh_Hans_SG". Without a country, or when CLDR has no such pair
    (Japanese in Brazil), `locale` itself.
    """
    if not country or not country.isalpha() or len(country) != 2:
        return locale
    base = babel_locale(locale)
    parts = [base.language] + ([base.script] if base.script else []) + [country.upper()]
    candidate = "_".join(parts)
    try:
        found = Locale.parse(candidate)
    except (ValueError, UnknownLocaleError):
        return locale
    # Locale.parse fills in a likely script or region when CLDR has no exact entry;
    # only a locale CLDR really has for this country counts.
    if found.territory != country.upper() or str(found) not in _KNOWN:
        return locale
    return str(found)


_KNOWN: Final = frozenset(localedata_list())


def minor_units(currency: str) -> int:
    """Return how many decimal digits an amount in `currency` has (ISO 4217, via Babel).

    This is the exponent for storing and charging amounts: USD 2, JPY 0, BRL 2, and
    IDR 2 (ISO 4217 keeps two digits even though prices are shown without them).
    """
    code = currency.upper()
    if not is_currency(code):
        raise ValueError(f"unknown currency {currency!r}")
    return int(get_currency_precision(code))


def _display_digits(amount: Decimal, currency: str) -> int:
    """Digits to show: CLDR's cash digits where they are fewer (IDR, HUF...) and lose nothing."""
    digits = minor_units(currency)
    fractions: Mapping[str, tuple[int, int, int, int]] = get_global("currency_fractions")
    cash_digits = fractions.get(currency.upper(), fractions["DEFAULT"])[2]
    if cash_digits < digits and amount == amount.quantize(Decimal(1).scaleb(-cash_digits)):
        return cash_digits
    return digits


def format_money(
    amount: Decimal, currency: str, locale: str, country: str | None = None
) -> str:
    """Format `amount` of `currency` the way `locale` writes prices, e.g. "R$ 199,90".

    Babel's output is returned as is, including its non-breaking spaces ("R$\\xa0199,90").
    Amounts are rounded half up to the currency's digits; whole amounts of currencies
    whose cash has no minor unit drop their decimals ("Rp150.000"). `locale` may carry a
    region ("es_MX" writes MXN as "$1,234.50" where "es" writes "1.234,50 MXN"), or the
    shopper's `country` picks it (see `regional`).
    """
    code = currency.upper()
    digits = _display_digits(amount, code)
    value = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    babel = babel_locale(regional(locale, country))
    pattern = copy.copy(babel.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return str(pattern.apply(value, babel, currency=code, currency_digits=False))


def format_number(number: int | Decimal, locale: str, country: str | None = None) -> str:
    """Format a number with `locale`'s separators: 1234.5 → "1.234,5" in pt_BR."""
    return str(format_decimal(number, locale=babel_locale(regional(locale, country))))


def format_date(
    d: date | datetime, locale: str, format: str = "medium", country: str | None = None
) -> str:
    """Format a date the way `locale` writes it; `format` is short, medium, long or full."""
    return str(
        _babel_format_date(d, format=format, locale=babel_locale(regional(locale, country)))
    )
