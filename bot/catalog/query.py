"""Reading a shopper's query: price limits, sizes, and the words left to search for.

    "do you have a waterproof jacket under 100?"  → words "waterproof jacket", max 100
    "menos de 200 reais"                          → max 200 BRL
    "entre 20 y 40"                               → min 20, max 40
    "¿tienen zapatillas rojas talla 42?"          → words "zapatillas rojas", size 42

A limit without a currency is in the shopper's currency (the caller says which); "$"
is the shopper's own dollar or peso when they use one, else US dollars.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.catalog.text import Token, analyze, fold, fold_aligned

DOLLAR_LIKE = frozenset({"USD", "MXN", "SGD", "CAD", "AUD", "NZD", "HKD", "ARS", "CLP", "COP"})
PESO_LIKE = frozenset({"MXN", "ARS", "CLP", "COP", "UYU"})

_CURRENCY_WORDS = {
    "USD": ("us$", "u$s", "usd", "dolares", "dolar", "dollars", "dollar", "bucks"),
    "BRL": ("r$", "brl", "reais", "real"),
    "EUR": ("€", "eur", "euros", "euro"),
    "MXN": ("mx$", "mxn", "pesos", "peso"),
    "JPY": ("¥", "jpy", "yenes", "yen", "ienes", "iene"),
    "IDR": ("rp", "idr", "rupiah", "rupias"),
    "GBP": ("£", "gbp", "libras", "libra", "pounds", "pound"),
    "SGD": ("s$", "sgd"),
}
_WORD_CURRENCY = {w: code for code, ws in _CURRENCY_WORDS.items() for w in ws}
_CUR = "|".join(re.escape(w) for w in sorted([*_WORD_CURRENCY, "$"], key=len, reverse=True))
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"


def _amount(n: int) -> str:
    # An amount: optional currency before, the number, optional currency after.
    return (rf"(?:(?P<pre{n}>{_CUR})\s*)?(?<![\w.,])(?P<num{n}>{_NUM})(?![\w])"
            rf"(?:\s*(?P<post{n}>{_CUR})(?![\w]))?")


_MAX = (r"under|below|less than|cheaper than|lower than|up to|maximum|max|at most|"
        r"no more than|within|por menos de|menos de|menos que|abajo de|debajo de|hasta|"
        r"como maximo|maximo|no mas de|inferior a|menor que|menor a|mas barat[oa]s? que|"
        r"por ate|ate|abaixo de|no maximo|mais barat[oa]s? que|<=?")
_MIN = (r"over|above|more than|at least|minimum|min|from|mas de|desde|arriba de|"
        r"por lo menos|al menos|minimo|superior a|mayor que|mayor a|acima de|mais de|"
        r"a partir de|no minimo|pelo menos|>=?")
_OR_LESS = r"or less|or under|or below|o menos|ou menos|max|maximo|no maximo|tops"
_OR_MORE = r"or more|and up|and above|o mas|y mas|para arriba|ou mais|pra cima|ou acima"

_PATTERNS = (
    ("between", re.compile(
        rf"(?<!\w)(?:between|entre|from|desde|de)\s+{_amount(1)}\s*"
        rf"(?:and|y|e|to|a|-|hasta|ate)\s*{_amount(2)}")),
    ("max", re.compile(rf"(?<!\w)(?:{_MAX})\s*{_amount(1)}")),
    ("min", re.compile(rf"(?<!\w)(?:{_MIN})\s*{_amount(1)}")),
    ("max", re.compile(rf"{_amount(1)}\s*(?:{_OR_LESS})(?!\w)")),
    ("min", re.compile(rf"{_amount(1)}\s*(?:{_OR_MORE})(?!\w)")),
)
# A bare amount counts as a limit only with its currency: "headphones $50".
_PRICED = re.compile(_amount(1))

_SIZE_WORDS = r"size|talla|talle|tamanho|tam|numero|num|nro|no|n|calzado|calco|numeracao"
_SIZE = re.compile(
    rf"(?<!\w)(?:{_SIZE_WORDS})(?:\s*\.\s*|\s+)"
    r"(?P<size>\d{1,2}(?:[.,]5)?|xxxl|xxl|xl|xs|xxs|xg|gg|eg|pp|small|medium|large|"
    r"pequen[oa]|median[oa]|grande|[smlpg])(?!\w)"
)
_LETTER_SIZES = {
    "xxs": "xxs", "pp": "xs", "xs": "xs", "s": "s", "p": "s", "small": "s",
    "pequeno": "s", "pequena": "s", "m": "m", "medium": "m", "mediano": "m",
    "mediana": "m", "l": "l", "g": "l", "large": "l", "grande": "l", "xl": "xl",
    "gg": "xl", "xg": "xl", "eg": "xl", "xxl": "xxl", "xxxl": "xxxl",
}
SIZE_KEYS = frozenset({"size", "talla", "talle", "tamanho", "numero", "numeracao", "medida"})


@dataclass(frozen=True, slots=True)
class Query:
    """A shopper's query, read: what to look for and the limits to apply."""

    tokens: tuple[Token, ...]
    sizes: tuple[str, ...] = ()  # canonical sizes asked for: "42", "m"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str | None = None  # the limits' currency when the shopper named one

    @property
    def empty(self) -> bool:
        """Whether there is nothing to search for (a bare "do you have...?")."""
        return not self.tokens and not self.sizes

    @property
    def limited(self) -> bool:
        """Whether a price limit was given."""
        return self.price_min is not None or self.price_max is not None


@functools.lru_cache(maxsize=4096)
def size_term(value: str) -> str:
    """The index term of a size: "M", "medium" and "Mediano" → "size:m"; "42,5" → "size:42.5"."""
    flat = fold(value).strip().replace(",", ".")
    return "size:" + _LETTER_SIZES.get(flat, flat)


def parse(text: str, *, locale: str, currency: str | None = None) -> Query:
    """Read `text` in the shopper's `locale`; `currency` is theirs, for "$" and bare limits."""
    flat = fold_aligned(text)
    price_min = price_max = None
    named: str | None = None
    cuts: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        match = pattern.search(flat)
        if match is None:
            continue
        first = _number(match.group("num1"), locale)
        named = named or _currency(match, 1, currency)
        if kind == "between":
            second = _number(match.group("num2"), locale)
            named = named or _currency(match, 2, currency)
            if first is not None and second is not None:
                price_min, price_max = min(first, second), max(first, second)
        elif kind == "max":
            price_max = first
        else:
            price_min = first
        flat = _blank(flat, match.span())
        cuts.append(match.span())
        if kind == "between":
            break
    if price_min is None and price_max is None:
        match = _PRICED.search(flat)
        if match is not None and (match.group("pre1") or match.group("post1")):
            price_max = _number(match.group("num1"), locale)
            named = _currency(match, 1, currency)
            flat = _blank(flat, match.span())
            cuts.append(match.span())
    sizes = []
    for match in _SIZE.finditer(flat):
        sizes.append(size_term(match.group("size")))
        cuts.append(match.span())
    rest = text
    for span in cuts:
        rest = _blank(rest, span)
    tokens = tuple(analyze(rest))
    return Query(tokens, tuple(dict.fromkeys(sizes)), price_min, price_max, named)


def _blank(text: str, span: tuple[int, int]) -> str:
    """`text` with the characters of `span` turned into spaces (positions kept)."""
    start, end = span
    return text[:start] + " " * (end - start) + text[end:]


def _currency(match: re.Match[str], n: int, theirs: str | None) -> str | None:
    word = match.group(f"pre{n}") or match.group(f"post{n}")
    if not word:
        return None
    if word == "$":
        return theirs if theirs in DOLLAR_LIKE else "USD"
    code = _WORD_CURRENCY[word]
    if code == "MXN" and word in ("pesos", "peso") and theirs in PESO_LIKE:
        return theirs
    return code


def _number(text: str, locale: str) -> Decimal | None:
    """"1.234,50", "1,234.50", "49,90", "1.500" → a Decimal, read as people write them."""
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text or "." in text:
        sep = "," if "," in text else "."
        tail = text.rsplit(sep, 1)[1]
        # One or two digits after the only separator: decimals ("49,90", "19.5").
        decimal = sep if text.count(sep) == 1 and len(tail) <= 2 else ""
    else:
        decimal = ""
    thousands = {",", "."} - {decimal}
    cleaned = "".join(ch for ch in text if ch not in thousands).replace(decimal or "#", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None
