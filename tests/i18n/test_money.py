"""Prices and amounts as shoppers see them, and the digits amounts are stored with.

Babel's output is kept exactly as Babel gives it; where it differs from what one
might type, the test says so:
- Babel separates symbol and number with a no-break space (U+00A0), so "R$ 199,90"
  is "R$\\xa0199,90"; the tests compare with no-break spaces made plain.
- In Japanese, CLDR writes the yen with the fullwidth sign: "￥1,235", not "¥1,235".
- CLDR's Indonesian pattern has no space after the symbol: "Rp150.000", not "Rp 150.000".
- IDR has two digits in ISO 4217 (so `minor_units("IDR") == 2`, the exponent amounts
  are stored and charged with) but no minor unit in cash (CLDR cash digits 0), so a
  whole amount is shown without decimals; a fraction, should one exist, is shown.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import format_money, minor_units

SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})


def plain(text: str) -> str:
    """Babel's no-break and narrow no-break spaces as ordinary spaces."""
    return text.translate(SPACES)


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        ("199.90", "BRL", "pt_BR", "R$ 199,90"),
        ("1234.50", "EUR", "de", "1.234,50 €"),
        ("1234.50", "USD", "en", "$1,234.50"),
        ("1235", "JPY", "en", "¥1,235"),
        ("1235", "JPY", "ja", "￥1,235"),
        ("150000", "IDR", "id", "Rp150.000"),
        ("1234.50", "MXN", "es", "1.234,50 MXN"),
        ("1234.50", "MXN", "es_MX", "$1,234.50"),
        ("0", "BRL", "pt_BR", "R$ 0,00"),
    ],
)
def test_prices_are_written_the_way_the_locale_writes_them(
    amount: str, currency: str, locale: str, shown: str
) -> None:
    assert plain(format_money(Decimal(amount), currency, locale)) == shown


def test_babel_separates_the_symbol_with_a_no_break_space() -> None:
    assert format_money(Decimal("199.90"), "BRL", "pt_BR") == "R$\xa0199,90"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        ("1234.5", "JPY", "ja", "￥1,235"),  # yen have no fraction: half rounds up
        ("1234.5", "JPY", "en", "¥1,235"),
        ("0.005", "USD", "en", "$0.01"),
        ("199.899", "BRL", "pt_BR", "R$ 199,90"),
        ("150000.50", "IDR", "id", "Rp150.000,50"),  # a fraction of a rupiah is not hidden
    ],
)
def test_amounts_round_half_up_to_the_digits_shown(
    amount: str, currency: str, locale: str, shown: str
) -> None:
    assert plain(format_money(Decimal(amount), currency, locale)) == shown


def test_currency_codes_may_be_lower_case() -> None:
    assert plain(format_money(Decimal("10"), "usd", "en")) == "$10.00"


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("USD", 2), ("BRL", 2), ("MXN", 2), ("EUR", 2), ("JPY", 0), ("IDR", 2), ("KWD", 3)],
)
def test_minor_units_follow_iso_4217(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits


def test_an_unknown_currency_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="XYZ"):
        minor_units("XYZ")
    with pytest.raises(ValueError):
        format_money(Decimal("1"), "XYZ", "en")


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=3),
    currency=st.sampled_from(["BRL", "EUR", "JPY", "IDR", "USD", "MXN", "THB", "VND", "KWD"]),
    locale=st.sampled_from(["en", "es", "pt_BR", "de", "fr", "id", "ja", "ar", "th", "tr"]),
)
def test_any_amount_in_any_shipped_style_is_formatted(
    amount: Decimal, currency: str, locale: str
) -> None:
    shown = format_money(amount, currency, locale)
    assert any(char.isdigit() for char in shown)
