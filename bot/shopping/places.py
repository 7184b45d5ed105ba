"""Where to ship: countries by name in the shopper's words, addresses checked for shape.

An address is free text, checked only for the minimal structure a courier needs:
a street with a house number, a city, and a postal code that fits the destination
country's pattern. Parts are separated by commas or new lines, as people write them:
"Rua Augusta 1500, apto 12, São Paulo, 01304-001".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from babel import Locale

from bot import i18n
from bot.nlu import normalize

__all__ = ["Address", "country_name", "example_address", "parse_address", "parse_country",
           "parse_email", "parse_name"]

# Postal codes of the countries a shop is likely to ship to; another country's code
# is any 3-10 letters and digits with at least one digit.
POSTAL_CODES: dict[str, str] = {
    "US": r"\d{5}(?:-\d{4})?",
    "BR": r"\d{5}-?\d{3}",
    "MX": r"\d{5}",
    "NL": r"\d{4} ?[A-Za-z]{2}",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "FR": r"\d{5}",
    "PT": r"\d{4}-\d{3}",
    "SG": r"\d{6}",
    "ID": r"\d{5}",
    "JP": r"\d{3}-?\d{4}",
    "GB": r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}",
    "CA": r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d",
}
OTHER_POSTAL_CODE = r"(?=[A-Za-z0-9 -]*\d)[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]"
EXAMPLES: dict[str, str] = {
    "US": "500 Market St, San Francisco, CA 94105",
    "BR": "Rua Augusta 1500, apto 12, São Paulo, 01304-001",
    "MX": "Av. Reforma 222, Ciudad de México, 06600",
    "NL": "Keizersgracht 123, 1015 CJ Amsterdam",
    "DE": "Hauptstraße 5, 10115 Berlin",
    "ES": "Calle Mayor 10, 28013 Madrid",
    "FR": "12 rue de Rivoli, 75004 Paris",
    "PT": "Rua Augusta 20, 1100-053 Lisboa",
    "SG": "1 Raffles Place, Singapore 048616",
    "ID": "Jl. Sudirman 1, Jakarta 10220",
    "JP": "1-2-3 Shibuya, Shibuya-ku, Tokyo 150-0002",
    "GB": "10 Downing Street, London SW1A 2AA",
}
# Names people write that CLDR does not list.
COUNTRY_ALIASES = {
    "usa": "US", "u s a": "US", "us": "US", "eua": "US", "eeuu": "US", "ee uu": "US",
    "america": "US", "uk": "GB", "england": "GB", "inglaterra": "GB", "great britain": "GB",
    "holland": "NL", "holanda": "NL", "brazil": "BR", "brasil": "BR", "mexico": "MX",
}
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SEPARATORS = re.compile(r"[,;\n]+")


@dataclass(frozen=True, slots=True)
class Address:
    """A shipping address, as the shopper wrote it and split into its parts."""

    street: str
    city: str
    postal_code: str
    country: str
    extra: str = ""  # apartment, district: the parts between street and city
    region: str = ""  # a state's code written before the postal code: "CA 94105"

    def to_json(self) -> dict[str, Any]:
        return {"street": self.street, "extra": self.extra, "city": self.city,
                "region": self.region, "postal_code": self.postal_code, "country": self.country}

    @staticmethod
    def one_line(data: dict[str, Any]) -> str:
        """The address on one line, for a review or a confirmation."""
        code = " ".join(str(p) for p in (data.get("region"), data.get("postal_code")) if p)
        parts = (data.get("street"), data.get("extra"), data.get("city"), code)
        return ", ".join(str(p) for p in parts if p)


def country_name(code: str, locale: str) -> str:
    """`code` as `locale` names the country: "BR" → "Brasil" in Spanish."""
    name = i18n.babel_locale(locale).territories.get(code.upper())
    return str(name) if name else code.upper()


@functools.cache
def _country_names() -> dict[str, str]:
    """Every shipped locale's names for every country, normalized, and the aliases."""
    names: dict[str, str] = {}
    for locale in ("en", *i18n.SUPPORTED):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(normalize(str(name)), code)
    names.update(COUNTRY_ALIASES)
    return names


def parse_country(text: str) -> str | None:
    """The ISO code of the country named in `text` ("Brasil", "méxico", "NL"), or None."""
    norm = normalize(text)
    while True:  # "para o Brasil", "to the Netherlands"
        shorter = re.sub(r"^(?:to|for|in|the|a|para|pra|en|no|na|em|o|os|el|la|los|las)\s+",
                         "", norm)
        if shorter == norm:
            break
        norm = shorter
    if not norm:
        return None
    # "NL" is a code; "no" is an answer, not Norway.
    code = norm.upper()
    if len(norm) == 2 and text.strip().isupper() and code in Locale.parse("en").territories:
        return code
    return _country_names().get(norm)


def example_address(country: str | None) -> str:
    """An address written the way the destination writes them."""
    return EXAMPLES.get(country or "", EXAMPLES["US"])


def parse_address(text: str, country: str) -> Address | str:
    """The address in `text`, or what it lacks: "postal_code", "street" or "city"."""
    pattern = POSTAL_CODES.get(country, OTHER_POSTAL_CODE)
    parts = [p.strip() for p in _SEPARATORS.split(text.strip()) if p.strip()]
    postal = None
    for index in range(len(parts) - 1, -1, -1):  # the code is usually near the end
        found = list(re.finditer(rf"(?<![\w-])({pattern})(?![\w-])", parts[index]))
        if found and (index > 0 or len(parts) == 1):
            match = found[-1]
            postal = match.group(1).upper()
            rest = (parts[index][: match.start()] + parts[index][match.end():]).strip(" -")
            parts[index : index + 1] = [rest] if rest else []
            break
    if postal is None:
        return "postal_code"
    street_at = next((i for i, p in enumerate(parts)
                      if re.search(r"\d", p) and re.search(r"[^\W\d_]{2}", p)), None)
    if street_at is None:
        return "street"
    others = [p for i, p in enumerate(parts) if i != street_at and re.search(r"[^\W\d_]{2}", p)]
    if not others:
        # "Rua Augusta 1500 São Paulo": the words after the house number are the city.
        split = re.fullmatch(r"(.*?[^\W\d_].*?\s\d+[A-Za-z]?)\s+([^\d,]*[^\W\d_]{2}[^\d,]*)",
                             parts[street_at])
        if split:
            parts[street_at : street_at + 1] = [split.group(1), split.group(2).strip()]
            others = [parts[street_at + 1]]
    # "…, San Francisco, CA 94105": a state's two letters are not the city.
    region = ""
    if len(others) > 1 and re.fullmatch(r"[A-Z]{2}", others[-1]):
        region = others.pop()
    if not others:
        return "city"
    city = others[-1]
    extra = ", ".join(p for i, p in enumerate(parts)
                      if i != street_at and p not in (city, region))
    return Address(parts[street_at], city, postal, country, extra, region)


def parse_email(text: str) -> str | None:
    """The email address in `text`, when the text is one, lower-cased domain."""
    candidate = text.strip().strip("<>.").strip()
    if not _EMAIL.fullmatch(candidate) or len(candidate) > 254:
        return None
    local, _, domain = candidate.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_name(text: str) -> str | None:
    """A person's name for the shipping label: letters, 2-100 characters, no digits or @."""
    name = " ".join(text.split())
    if not 2 <= len(name) <= 100 or re.search(r"[\d@#/:]", name):
        return None
    if len(name.split()) > 8 or not re.search(r"[^\W\d_]{2}", name):
        return None
    return name
