"""Money: totals and minor units for USD, EUR, BRL, JPY, IDR and MXN, and Stripe's amounts.

The demo shop's rates: 1 USD = 0.92 EUR = 5.10 BRL = 151.3 JPY = 15850 IDR = 17.20 MXN;
shipping is a flat fee in USD per country, free from USD 150.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.config import DEFAULT_SHOP
from bot.models import Order, OrderItem, Payment, Product, Variant
from bot.payments.stripe_api import session_params
from bot.shop import load_shop
from bot.shopping.pricing import describe_methods, format_minor, methods_for, quote

SHOP = load_shop(DEFAULT_SHOP)


def product(price: str, currency: str = "USD", sku: str = "P") -> Product:
    return Product(sku=sku, title={"en": "Thing"}, price=Decimal(price), currency=currency,
                   stock=None, active=True, variants=[])


@pytest.mark.parametrize(("currency", "unit_minor", "shown"), [
    ("USD", 2499, "$24.99"),
    ("EUR", 2299, "€22.99"),  # 24.99 × 0.92 = 22.9908
    ("BRL", 12745, "R$127.45"),  # × 5.10 = 127.449
    ("JPY", 3781, "¥3,781"),  # × 151.3 = 3780.987: yen have no minor unit
    ("IDR", 39609150, "IDR396,091.50"),  # × 15850 = 396091.5: ISO keeps two digits
    ("MXN", 42983, "MX$429.83"),  # × 17.20 = 429.828
])
def test_a_unit_price_is_converted_once_and_kept_in_minor_units(currency: str,
                                                                unit_minor: int,
                                                                shown: str) -> None:
    q = quote(SHOP, [(product("24.99"), None, 3)], currency=currency, country=None, locale="en")
    [line] = q.lines
    assert line.unit_minor == unit_minor
    assert q.subtotal_minor == 3 * unit_minor  # a line is exactly unit × quantity
    assert format_minor(unit_minor, currency, "en").replace("\xa0", "") == shown


@pytest.mark.parametrize(("country", "currency", "shipping_minor"), [
    ("US", "USD", 500), ("NL", "EUR", 1288), ("BR", "BRL", 9690), ("JP", "JPY", 2421),
    ("ID", "IDR", 28530000), ("MX", "MXN", 20640),
])
def test_the_total_is_subtotal_plus_the_countrys_shipping(country: str, currency: str,
                                                          shipping_minor: int) -> None:
    q = quote(SHOP, [(product("40.00"), None, 1), (product("9.99", sku="Q"), None, 2)],
              currency=currency, country=country, locale="en")
    assert q.shipping_minor == shipping_minor
    assert q.total_minor == q.subtotal_minor + shipping_minor
    assert q.fx_rate == SHOP.fx[currency] and q.base_currency == "USD"


def test_shipping_is_free_from_the_threshold_in_the_base_currency() -> None:
    below = quote(SHOP, [(product("149.99"), None, 1)], currency="BRL", country="BR", locale="en")
    at = quote(SHOP, [(product("75.00"), None, 2)], currency="BRL", country="BR", locale="en")
    assert below.shipping_minor == 9690
    assert at.shipping_minor == 0


def test_a_country_the_shop_does_not_ship_to_has_no_shipping_price() -> None:
    q = quote(SHOP, [(product("10"), None, 1)], currency="USD", country="AR", locale="en")
    assert not q.ships and q.total_minor == q.subtotal_minor


def test_a_variant_with_its_own_price_is_charged_that_price() -> None:
    jacket = product("89.00")
    large = Variant(sku="J-L", options={"size": "L"}, price=Decimal("99.00"), active=True)
    q = quote(SHOP, [(jacket, large, 1)], currency="USD", country="US", locale="en")
    assert (q.lines[0].unit_minor, q.lines[0].sku, q.lines[0].title) == (9900, "J-L",
                                                                        "Thing (L)")


def test_a_price_in_another_currency_goes_through_the_base_currency() -> None:
    q = quote(SHOP, [(product("100.00", currency="EUR"), None, 1)], currency="BRL",
              country=None, locale="en")
    assert q.lines[0].unit_minor == 55435  # 100 / 0.92 × 5.10 = 554.3478...


def test_methods_that_cannot_take_the_currency_are_not_offered() -> None:
    assert methods_for(SHOP, "BR", "BRL") == ("card", "pix", "boleto")
    assert methods_for(SHOP, "BR", "USD") == ("card",)
    assert methods_for(SHOP, "BR", "BRL", email=False) == ("card", "pix")
    assert methods_for(SHOP, "SG", "SGD") == ("card", "paynow", "grabpay")
    assert describe_methods(("card", "pix", "boleto"), "pt_BR") == "cartão, Pix ou boleto"


@pytest.mark.parametrize("currency", ["USD", "EUR", "BRL", "JPY", "IDR", "MXN"])
def test_stripe_is_asked_for_exactly_the_orders_total(currency: str) -> None:
    q = quote(SHOP, [(product("24.99"), None, 3), (product("7.10", sku="Q"), None, 1)],
              currency=currency, country="US", locale="en")
    order = Order(id=7, number="1007", currency=currency, total_minor=q.total_minor,
                  shipping_minor=q.shipping_minor, country="US", locale="en", email=None,
                  items=[OrderItem(sku=line.sku, title=line.title, quantity=line.quantity,
                                   unit_minor=line.unit_minor) for line in q.lines])
    payment = Payment(id=3, attempt=1, methods=["card"],
                      expires_at=datetime(2026, 12, 1, tzinfo=UTC))
    params = session_params(order, payment, "https://bot.example.com")
    items = params["line_items"]
    charged = sum(i["price_data"]["unit_amount"] * i["quantity"] for i in items)
    assert charged == order.total_minor
    assert {i["price_data"]["currency"] for i in items} == {currency.lower()}
