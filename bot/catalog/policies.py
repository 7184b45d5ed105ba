"""Answers from the shop file: shipping countries, fees and days, returns, payment methods.

"do you ship to Mexico?", "how long to Brazil?", "can I return it?", "how can I pay?"
Nothing here is made up: a country the shop file does not list is a country the shop
does not ship to, and a policy it lacks is a question for a person.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.lists import format_list

from bot import i18n
from bot.catalog.display import Shower
from bot.catalog.text import fold
from flows.catalog_facts import Answer

QUESTIONS_FILE = Path(__file__).with_name("questions.toml")
POLICY_TOPICS = ("delivery_time", "shipping", "returns", "payment")
# Payment methods by their names; the translated ones are ordinary words.
METHOD_NAMES = {
    "card": i18n.N_("card"), "pix": "Pix", "boleto": i18n.N_("boleto"), "oxxo": "OXXO",
    "ideal": "iDEAL", "paynow": "PayNow", "grabpay": "GrabPay", "konbini": "Konbini",
    "bancontact": "Bancontact", "promptpay": "PromptPay", "sepa_debit": i18n.N_("SEPA debit"),
}
TRANSLATED_METHODS = frozenset({"card", "boleto", "sepa_debit"})


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """One pattern matching any of `phrases` as whole words of folded text."""
    ordered = sorted({" ".join(fold(p).split()) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?:^| )(?:" + "|".join(re.escape(p) for p in ordered) + r")(?: |$)")


def normalize(text: str) -> str:
    """Folded words separated by single spaces: what the patterns here match."""
    return " ".join(re.sub(r"[^\w]+|_", " ", fold(text)).split())


@dataclass(frozen=True)
class QuestionWords:
    """questions.toml, compiled: topics in order, words about orders, country names."""

    topics: tuple[tuple[str, re.Pattern[str]], ...]
    vocabulary: frozenset[str]  # every word of every topic
    orders: re.Pattern[str]
    countries: dict[str, str]  # folded name → ISO code
    longest_country: int

    def found(self, flat: str) -> list[str]:
        """The topics a normalized text asks about, in the file's order."""
        return [name for name, pattern in self.topics if pattern.search(flat)]

    def country(self, flat: str) -> str | None:
        """The first country a normalized text names, as an ISO code."""
        tokens = flat.split()
        for i in range(len(tokens)):
            for size in range(min(self.longest_country, len(tokens) - i), 0, -1):
                code = self.countries.get(" ".join(tokens[i : i + size]))
                if code:
                    return code
        return None


@functools.cache
def question_words() -> QuestionWords:
    """The shipped questions.toml with Babel's country names in en, es and pt, read once."""
    data = tomllib.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))
    topics = tuple((name, phrase_pattern(words)) for name, words in data["topics"].items())
    vocabulary = frozenset(w for ws in data["topics"].values() for p in ws
                           for w in normalize(p).split())
    countries: dict[str, str] = {}
    for locale in ("en", "es", "pt"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                countries.setdefault(normalize(name), code)
    for code, names in data.get("countries", {}).items():
        for name in names:
            countries[normalize(name)] = code
    longest = max(len(n.split()) for n in countries)
    return QuestionWords(topics, vocabulary, phrase_pattern(data["orders"]["words"]), countries,
                         longest)


def country_name(code: str, locale: str) -> str:
    """The country's name in the shopper's language: "BR" in es → "Brasil"."""
    return str(i18n.babel_locale(locale).territories.get(code, code))


def answer(topic: str, shower: Shower, named: str | None) -> Answer:
    """The answer to a policy question; `named` is the country the shopper named, if any."""
    shop, locale = shower.shop, shower.locale
    country = named or shower.country
    if topic == "returns":
        policy = shop.policy("returns", locale)
        return Answer("returns", {"policy": policy}) if policy else Answer(
            "unknown_shop", known=False)
    if topic == "payment":
        policy = shop.policy("payment", locale) or ""
        if country is None:
            return Answer("payment_any", {"policy": policy}) if policy else Answer(
                "unknown_shop", known=False)
        methods = [i18n.gettext(locale, METHOD_NAMES[m]) if m in TRANSLATED_METHODS
                   else METHOD_NAMES.get(m, m) for m in shop.methods_for(country)]
        listed = format_list(methods, style="or", locale=i18n.babel_locale(locale))
        return Answer("payment", {"country": country_name(country, locale),
                                  "methods": str(listed), "policy": policy})
    return _shipping(topic, shower, country)


def _shipping(topic: str, shower: Shower, country: str | None) -> Answer:
    shop, locale = shower.shop, shower.locale
    countries = str(format_list(sorted(country_name(c, locale) for c in shop.shipping),
                                locale=i18n.babel_locale(locale)))
    policy = shop.policy("shipping", locale) or ""
    if not shop.shipping:
        return Answer("unknown_shop", known=False)
    if country is None:
        return Answer("ship_list", {"countries": countries, "policy": policy})
    zone = shop.shipping.get(country)
    name = country_name(country, locale)
    if zone is None:
        return Answer("ship_no", {"country": name, "countries": countries})
    if topic == "delivery_time":
        return Answer("delivery_time", {"country": name, "days": zone.days, "policy": policy})
    params = {"country": name, "days": zone.days,
              "fee": shower.money(zone.fee, shop.base_currency)}
    if shop.free_shipping_over is not None:
        params["free_over"] = shower.money(shop.free_shipping_over, shop.base_currency)
        return Answer("ship_yes_free", params)
    return Answer("ship_yes", params)
