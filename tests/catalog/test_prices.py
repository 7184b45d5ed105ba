"""Catalog prices in the shopper's currency, written the way their country writes them.

The demo shop's rates (bot/demo/shop.toml): 1 USD = 0.92 EUR = 5.10 BRL = 151.3 JPY =
15850 IDR = 17.20 MXN. Babel separates some symbols with a no-break space; the
expected strings use plain spaces (see tests/i18n/test_money.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.config import DEFAULT_SHOP
from bot.money import cash_digits, display_locale, display_price, format_price
from bot.shop import Shop, load_shop

SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})


@pytest.fixture(scope="module")
def shop() -> Shop:
    return load_shop(DEFAULT_SHOP)


@pytest.mark.parametrize(
    ("usd", "country", "locale", "shown"),
    [
        ("39.19", "US", "en", "$39.19"),
        ("39.19", "DE", "de", "36,05 €"),
        ("1341.85", "ES", "es", "1.234,50 €"),
        ("39.19", "BR", "pt_BR", "R$ 199,87"),
        ("39.20", "BR", "en", "R$199.92"),
        ("39.19", "MX", "es", "$674.07"),
        ("8.16", "JP", "en", "¥1,235"),
        ("9.99", "ID", "en", "Rp158.342"),
        ("9.99", None, "es", "9,99 US$"),
    ],
)
def test_a_catalog_price_is_shown_in_the_shoppers_money(
    shop: Shop, usd: str, country: str | None, locale: str, shown: str
) -> None:
    written = format_price(shop, Decimal(usd), "USD", country=country, locale=locale)
    assert written.translate(SPACES) == shown


def test_yen_and_rupiah_are_rounded_to_whole_units_that_can_be_charged(shop: Shop) -> None:
    assert display_price(shop, Decimal("8.16"), "USD", "JP").amount == Decimal("1235")
    rupiah = display_price(shop, Decimal("9.99"), "USD", "ID")
    assert (rupiah.amount, rupiah.currency) == (Decimal("158342"), "IDR")
    assert rupiah.minor == 15834200  # ISO 4217 keeps two digits for IDR
    assert cash_digits("IDR") == cash_digits("JPY") == 0
    assert cash_digits("BRL") == 2


def test_a_country_the_shop_has_no_rate_for_sees_the_base_currency(shop: Shop) -> None:
    price = display_price(shop, Decimal("10"), "USD", "AR")
    assert (price.amount, price.currency) == (Decimal("10.00"), "USD")


@pytest.mark.parametrize(
    ("locale", "country", "combined"),
    [("es", "MX", "es_MX"), ("pt_BR", "BR", "pt_BR"), ("en", "BR", "en"), ("es", None, "es"),
     ("pt_BR", "PT", "pt_PT")],
)
def test_prices_are_written_in_the_shoppers_language_and_country(
    locale: str, country: str | None, combined: str
) -> None:
    assert display_locale(locale, country) == combined
