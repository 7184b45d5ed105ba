"""The language a phone number suggests: its country's official languages, as locales.

Re-exported by `bot.language`, whose `choose` falls back to it when nothing a shopper
wrote says which language they read.
"""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers
from babel.languages import get_official_languages

from bot import i18n

__all__ = ["country_locales", "country_of", "from_phone"]


def country_of(e164: str) -> str | None:
    """Return the ISO 3166 alpha-2 country of a phone number ("+5511..." → "BR"), or None.

    Accepts a channel address too ("whatsapp:+5511...").
    """
    number = e164.rsplit(":", 1)[-1].strip()
    if not number.startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region.isalpha() and region != "ZZ" else None


def country_locales(
    country: str | None, supported: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Return the supported locales of a country's official languages, most spoken first.

    "CH" → ("de", "fr"), "SG" → ("en", "zh_Hans"), "BR" → ("pt_BR",); () when unknown.
    """
    if not country:
        return ()
    locales = tuple(i18n.SUPPORTED if supported is None else supported)
    found = (
        i18n.negotiate(f"{lang}_{country.upper()}", locales)
        for lang in get_official_languages(country.upper(), de_facto=True)
    )
    return tuple(dict.fromkeys(loc for loc in found if loc))


def from_phone(e164: str, supported: Iterable[str] | None = None) -> str | None:
    """Return the supported locale of the main language of a phone's country, or None.

    Only the country's first official language is tried (Babel's territory data,
    de facto official included): a second one would be a guess the shopper's first
    message settles better.
    """
    region = country_of(e164)
    if region is None:
        return None
    languages = get_official_languages(region, de_facto=True)
    if not languages:
        return None
    return i18n.negotiate(
        f"{languages[0]}_{region}", tuple(i18n.SUPPORTED if supported is None else supported)
    )
