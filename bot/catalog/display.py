"""A product as a shopper reads it: in their language, with prices in their currency.

Texts by locale fall back to the language, then the shop's language, then any
(a catalog in English still answers a Portuguese speaker). Colours of variants are
shown in the shopper's words when the lexicon knows them ("red" → "vermelho").
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urljoin

from babel.lists import format_list

from bot import i18n
from bot.catalog.query import SIZE_KEYS
from bot.catalog.text import analyze, fold, lexicon
from bot.models import Product, Variant
from bot.money import format_price
from bot.shop import Shop
from flows.catalog_facts import Card, Listing, VariantOption

COLOR_KEYS = frozenset({"color", "colour", "cor", "colores", "cores"})
SHORT_DESCRIPTION = 300


def text_in(value: Mapping[str, str] | None, locale: str, default: str = "en") -> str:
    """The text for `locale` of a {locale: text}, or the nearest one there is."""
    if not value:
        return ""
    language = locale.split("_")[0]
    for key in (locale, language, default, default.split("_")[0], "en"):
        if value.get(key):
            return value[key]
    same = next((v for k, v in value.items() if k.split("_")[0] == language and v), None)
    return same or next((v for v in value.values() if v), "")


def shorten(text: str, limit: int = SHORT_DESCRIPTION) -> str:
    """`text` cut at a word before `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def image_url(product: Product, base_url: str) -> str | None:
    """The product's first image as an absolute URL ("/static/…" is served by souk)."""
    for image in product.images or ():
        if isinstance(image, str) and image:
            return urljoin(base_url.rstrip("/") + "/", image)
    return None


def live_variants(product: Product) -> list[Variant]:
    """The product's variants still sold."""
    return [v for v in product.variants if v.active]


def _stocked(stock: int | None) -> bool:
    return stock is None or stock > 0


class Shower:
    """Formats products for one shopper: their locale and country, the shop's currencies."""

    def __init__(self, shop: Shop, locale: str, country: str | None, base_url: str) -> None:
        self.shop = shop
        self.locale = locale
        self.country = country
        self.base_url = base_url

    def money(self, amount: Decimal, currency: str) -> str:
        """An amount of `currency` in the shopper's currency and way of writing it."""
        return format_price(self.shop, amount, currency, country=self.country,
                            locale=self.locale)

    def title(self, product: Product) -> str:
        """The product's title in the shopper's language (its SKU if it has none)."""
        return text_in(product.title, self.locale, self.shop.default_locale) or product.sku

    def price(self, product: Product, variant: Variant | None = None) -> str:
        """The price to show: the variant's, or the product's ("from $X" when variants differ)."""
        if variant is not None:
            return self.money(variant.price if variant.price is not None else product.price,
                              product.currency)
        prices = {v.price if v.price is not None else product.price
                  for v in live_variants(product)} or {product.price}
        low = self.money(min(prices), product.currency)
        if len(prices) == 1:
            return low
        return i18n.gettext(self.locale, i18n.N_("from {price}"), price=low)

    def listing(self, product: Product, variant_id: int | None, in_stock: bool) -> Listing:
        """A product in a list of results."""
        variant = next((v for v in product.variants if v.id == variant_id), None)
        return Listing(product.id, self.title(product), self.price(product, variant),
                       in_stock, variant.id if variant is not None else None)

    def words(self, value: str) -> str:
        """A catalog word in the shopper's language when the lexicon knows it ("red" → "rojo")."""
        tokens = analyze(value)
        if not tokens or not all(t.concept and len(t.terms) == 1 for t in tokens):
            return value
        names = [lexicon().name(t.terms[0], self.locale) for t in tokens]
        return " ".join(n for n in names if n) if all(names) else value

    def option_value(self, key: str, value: str) -> str:
        """A variant's option as the shopper says it: colours in their language."""
        return self.words(value) if fold(key) in COLOR_KEYS else value

    def variant_label(self, variant: Variant) -> str:
        """A variant as a button says it: "42 / rojo"."""
        return " / ".join(self.option_value(k, str(v)) for k, v in variant.options.items())

    def values(self, product: Product, keys: frozenset[str], stocked_only: bool = False
               ) -> list[str]:
        """The distinct values of the product's options named by `keys`, in catalog order."""
        seen: dict[str, None] = {}
        for variant in live_variants(product):
            if stocked_only and not _stocked(variant.stock):
                continue
            for key, value in variant.options.items():
                if fold(key) in keys:
                    seen.setdefault(self.option_value(key, str(value)), None)
        return list(seen)

    def join(self, items: list[str]) -> str:
        """"40, 41 and 42" in the shopper's language."""
        if not items:
            return ""
        return str(format_list(items, locale=i18n.babel_locale(self.locale)))

    def options_line(self, product: Product) -> str:
        """"Sizes: 40, 41, 42. Colors: red, black." for the product's variants."""
        parts = []
        sizes = self.values(product, SIZE_KEYS)
        if sizes:
            parts.append(i18n.gettext(self.locale, i18n.N_("Sizes: {values}."),
                                      values=", ".join(sizes)))
        colors = self.values(product, COLOR_KEYS)
        if colors:
            parts.append(i18n.gettext(self.locale, i18n.N_("Colors: {values}."),
                                      values=", ".join(colors)))
        others = sorted({k for v in live_variants(product) for k in v.options
                         if fold(k) not in SIZE_KEYS | COLOR_KEYS})
        for key in others:
            values = self.values(product, frozenset({fold(key)}))
            parts.append(f"{key.replace('_', ' ').capitalize()}: {', '.join(values)}.")
        return " ".join(parts)

    def card(self, product: Product, chosen: int | None = None) -> Card:
        """The product on its own, as the catalog flow shows it."""
        variants = tuple(VariantOption(v.id, self.variant_label(v), _stocked(v.stock))
                         for v in live_variants(product))
        in_stock = any(v.in_stock for v in variants) if variants else _stocked(product.stock)
        variant = next((v for v in live_variants(product) if v.id == chosen), None)
        return Card(
            id=product.id,
            title=self.title(product),
            price=self.price(product, variant),
            in_stock=in_stock,
            description=shorten(text_in(product.description, self.locale,
                                        self.shop.default_locale)),
            image_url=image_url(product, self.base_url),
            options_line=self.options_line(product),
            variants=variants,
            chosen=variant.id if variant is not None else None,
        )
