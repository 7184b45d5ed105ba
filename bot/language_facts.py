"""The languages a shopper most likely reads, for the language picker (flows/language.py).

Registered in `bot.facts.PLUGINS`. Only a turn that asks about language needs them:
the official languages of the shopper's country (from the customer record, else the
phone number), most spoken first, as shipped locales.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import facts, i18n, language
from channels.base import Address
from flows.language import LIKELY
from flows.types import Intent


@facts.provider
def likely_locales(request: facts.FactRequest) -> Mapping[str, Any]:
    """{"likely_locales": (...)} when the shopper is choosing a language, else {}."""
    if request.event.intent is not Intent.LANGUAGE:
        return {}
    country = request.conversation.customer.country
    if country is None:
        phone = Address.parse(request.conversation.address).phone
        country = language.country_of(phone) if phone else None
    return {LIKELY: language.country_locales(country, i18n.SUPPORTED)}
