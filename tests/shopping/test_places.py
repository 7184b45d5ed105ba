"""Addresses, countries, emails and names, read the way shoppers write them."""

from __future__ import annotations

import pytest

from bot.shopping.places import (
    EXAMPLES,
    Address,
    country_name,
    parse_address,
    parse_country,
    parse_email,
    parse_name,
)


@pytest.mark.parametrize("country", sorted(EXAMPLES))
def test_each_countrys_example_address_is_valid_there(country: str) -> None:
    assert isinstance(parse_address(EXAMPLES[country], country), Address)


@pytest.mark.parametrize(("text", "country", "street", "city", "code"), [
    ("Rua Augusta 1500, apto 12, São Paulo, 01304-001", "BR", "Rua Augusta 1500", "São Paulo",
     "01304-001"),
    ("Rua Augusta 1500 São Paulo 01304001", "BR", "Rua Augusta 1500", "São Paulo", "01304001"),
    ("500 Market Street, San Francisco, CA 94105", "US", "500 Market Street", "San Francisco",
     "94105"),
    ("Keizersgracht 123\n1015 CJ Amsterdam", "NL", "Keizersgracht 123", "Amsterdam", "1015 CJ"),
    ("10 Downing Street, London sw1a 2aa", "GB", "10 Downing Street", "London", "SW1A 2AA"),
    ("Calle Ayuda 5, 28013 Madrid", "ES", "Calle Ayuda 5", "Madrid", "28013"),
])
def test_an_address_is_split_into_its_parts(text: str, country: str, street: str, city: str,
                                            code: str) -> None:
    address = parse_address(text, country)
    assert isinstance(address, Address)
    assert (address.street, address.city, address.postal_code) == (street, city, code)


def test_a_us_state_is_kept_before_the_zip_code() -> None:
    address = parse_address("500 Market Street, San Francisco, CA 94105", "US")
    assert isinstance(address, Address)
    assert Address.one_line(address.to_json()) == "500 Market Street, San Francisco, CA 94105"


@pytest.mark.parametrize(("text", "country", "missing"), [
    ("Rua Augusta 1500, São Paulo", "BR", "postal_code"),
    ("Rua Augusta 1500, São Paulo, 1304-001", "BR", "postal_code"),  # a digit short
    ("Rua Augusta, São Paulo, 01304-001", "BR", "street"),
    ("500 Market Street San Francisco CA 94105", "US", "city"),
    ("75004", "FR", "street"),
    ("Keizersgracht 123, Amsterdam, 12345", "NL", "postal_code"),
])
def test_an_incomplete_address_says_what_it_lacks(text: str, country: str, missing: str) -> None:
    assert parse_address(text, country) == missing


@pytest.mark.parametrize(("text", "code"), [
    ("Brasil", "BR"), ("brazil", "BR"), ("méxico", "MX"), ("Países Bajos", "NL"),
    ("Holanda", "NL"), ("the Netherlands", "NL"), ("para o Brasil", "BR"), ("EUA", "US"),
    ("usa", "US"), ("Alemanha", "DE"), ("Japón", "JP"), ("SG", "SG"),
])
def test_countries_are_found_by_name_in_any_shipped_language(text: str, code: str) -> None:
    assert parse_country(text) == code


@pytest.mark.parametrize("text", ["Narnia", "", "no", "my house"])
def test_what_is_not_a_country_is_none(text: str) -> None:
    assert parse_country(text) is None


def test_a_country_is_named_in_the_shoppers_language() -> None:
    assert [country_name("NL", loc) for loc in ("en", "es", "pt_BR")] == [
        "Netherlands", "Países Bajos", "Países Baixos"]


def test_emails_are_kept_with_their_domain_lower_cased() -> None:
    assert parse_email(" Ana.Souza@Example.COM ") == "Ana.Souza@example.com"
    assert parse_email("ana at example dot com") is None
    assert parse_email("ana@localhost") is None


@pytest.mark.parametrize(("text", "name"), [
    ("Ana  Souza", "Ana Souza"), ("María José García", "María José García"),
    ("12345", None), ("ana@example.com", None), ("x", None),
])
def test_a_name_has_letters_and_nothing_else_odd(text: str, name: str | None) -> None:
    assert parse_name(text) == name
