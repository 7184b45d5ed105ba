"""Numbers, prices and dates follow the shopper's language and country, in Latin digits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot import i18n

SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u200f": ""})


def plain(text: str) -> str:
    """Babel's no-break spaces as spaces and its RLM removed, for readable expectations."""
    return text.translate(SPACES)


@pytest.mark.parametrize(
    ("locale", "country", "regional"),
    [
        ("fr", "CA", "fr_CA"),
        ("fr", "FR", "fr_FR"),
        ("ar", "EG", "ar_EG"),
        ("ar", "sa", "ar_SA"),
        ("pt_BR", "PT", "pt_PT"),  # our Brazilian catalog, written the Portuguese way
        ("zh_Hans", "SG", "zh_Hans_SG"),
        ("de", "CH", "de_CH"),
        ("ja", "BR", "ja"),  # CLDR has no Japanese-in-Brazil: the language's own way
        ("zh_Hans", "TW", "zh_Hans"),  # Taiwan writes Traditional: not a Simplified region
        ("en", None, "en"),
        ("en", "", "en"),
        ("en", "ZZ", "en"),
        ("en", "U1", "en"),
    ],
)
def test_the_shoppers_country_picks_the_cldr_locale(
    locale: str, country: str | None, regional: str
) -> None:
    assert i18n.regional(locale, country) == regional


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "country", "shown"),
    [
        ("1234.50", "EUR", "fr", "FR", "1 234,50 €"),
        ("1234.50", "CAD", "fr", "CA", "1 234,50 $"),
        ("1234.50", "EUR", "pt_BR", "PT", "1 234,50 €"),
        ("1234.50", "BRL", "pt_BR", "BR", "R$ 1.234,50"),
        ("1234.50", "CHF", "de", "CH", "CHF 1’234.50"),
        ("150000", "IDR", "id", "ID", "Rp150.000"),
        ("1234.50", "TRY", "tr", "TR", "₺1.234,50"),
        ("1234.50", "THB", "th", "TH", "฿1,234.50"),
        ("1234", "VND", "vi", "VN", "1.234 ₫"),
        ("1234.50", "CNY", "zh_Hans", "CN", "¥1,234.50"),
        # Arabic prices keep Latin digits in every country (see bot/formatting.py).
        ("1234.50", "EGP", "ar", "EG", "1,234.50 ج.م.‏"),
        ("1234.50", "SAR", "ar", "SA", "1,234.50 ر.س.‏"),
    ],
)
def test_prices_are_written_the_way_the_country_writes_them(
    amount: str, currency: str, locale: str, country: str, shown: str
) -> None:
    got = plain(i18n.format_money(Decimal(amount), currency, locale, country=country))
    assert got == plain(shown)


@pytest.mark.parametrize("country", ["EG", "SA", "AE", "MA", None])
def test_arabic_numbers_use_latin_digits(country: str | None) -> None:
    text = i18n.format_number(Decimal("1234567.5"), "ar", country=country)
    assert all(not ch.isdigit() or "0" <= ch <= "9" for ch in text), text
    assert any(ch.isdigit() for ch in text)


@pytest.mark.parametrize(
    ("locale", "country", "shown"),
    [
        ("fr", None, "5 mars 2026"),
        ("de", None, "05.03.2026"),
        ("ja", None, "2026/03/05"),
        ("zh_Hans", None, "2026年3月5日"),
        ("tr", None, "5 Mar 2026"),
        ("en", "GB", "5 Mar 2026"),
        ("en", None, "Mar 5, 2026"),
        ("ar", "EG", "05/03/2026"),
    ],
)
def test_dates_follow_language_and_country(locale: str, country: str | None, shown: str) -> None:
    assert plain(i18n.format_date(date(2026, 3, 5), locale, country=country)) == shown
