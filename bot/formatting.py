"""Numbers, prices and dates the way the shopper's locale writes them, through Babel.

Re-exported by `bot.i18n`, where callers find them next to the messages they fill.
Money is `Decimal`; amounts are stored in minor units by ISO 4217 (`minor_units`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal, get_currency_precision, is_currency

__all__ = ["babel_locale", "format_date", "format_money", "format_number", "minor_units"]


@functools.lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """Return Babel's `Locale` for a locale name such as "pt_BR" or "zh-Hans"."""
    return Locale.parse(locale.replace("-", "_"))


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


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """Format `amount` of `currency` the way `locale` writes prices, e.g. "R$ 199,90".

    Babel's output is returned as is, including its non-breaking spaces ("R$\\xa0199,90").
    Amounts are rounded half up to the currency's digits; whole amounts of currencies
    whose cash has no minor unit drop their decimals ("Rp150.000"). `locale` may carry a
    region ("es_MX" writes MXN as "$1,234.50" where "es" writes "1.234,50 MXN").
    """
    code = currency.upper()
    digits = _display_digits(amount, code)
    value = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    babel = babel_locale(locale)
    pattern = copy.copy(babel.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return str(pattern.apply(value, babel, currency=code, currency_digits=False))


def format_number(number: int | Decimal, locale: str) -> str:
    """Format a number with `locale`'s separators: 1234.5 → "1.234,5" in pt_BR."""
    return str(format_decimal(number, locale=babel_locale(locale)))


def format_date(d: date | datetime, locale: str, format: str = "medium") -> str:
    """Format a date the way `locale` writes it; `format` is short, medium, long or full."""
    return str(_babel_format_date(d, format=format, locale=babel_locale(locale)))
