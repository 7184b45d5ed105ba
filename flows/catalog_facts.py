"""What the catalog flow reads in `Context.facts`: results, a product, an answer.

bot/catalog/facts.py looks these up for each message (search, the product, the
answer to a question) with every text already in the shopper's language and every
price in their currency; flows/catalog.py only decides what to say with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PAGE = "catalog.page"
PRODUCT = "catalog.product"
GONE = "catalog.gone"
ANSWER = "catalog.answer"


@dataclass(frozen=True, slots=True)
class Listing:
    """A product in a list of results."""

    id: int
    title: str
    price: str  # formatted in the shopper's currency: "R$ 199,90"
    in_stock: bool
    variant_id: int | None = None

    @property
    def payload(self) -> str:
        """What choosing it sends back: "product:<id>" or "product:<id>:<variant id>"."""
        if self.variant_id is None:
            return f"product:{self.id}"
        return f"product:{self.id}:{self.variant_id}"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of search results, and what the shopper asked for."""

    query: str  # as the shopper wrote it: searched again for "more"
    items: tuple[Listing, ...]
    total: int
    page: int  # 0 for the first
    first: int  # the position of items[0], from 1
    shown: str = ""  # the query as quoted back to the shopper
    price_min: str | None = None  # the limits understood, formatted
    price_max: str | None = None
    # The shopper's words all matched: a message that did not ask for products
    # ("waterproof jacket" after the menu) is answered with them only then.
    confident: bool = False

    @property
    def last(self) -> int:
        """The position of the last item shown, from 1."""
        return self.first + len(self.items) - 1

    @property
    def more(self) -> bool:
        """Whether another page follows."""
        return self.last < self.total


@dataclass(frozen=True, slots=True)
class VariantOption:
    """A variant a shopper can add to the cart."""

    id: int
    label: str  # "42 / red"
    in_stock: bool


@dataclass(frozen=True, slots=True)
class Card:
    """A product shown on its own."""

    id: int
    title: str
    price: str
    in_stock: bool
    description: str = ""
    image_url: str | None = None
    options_line: str = ""  # "Sizes: 40, 41, 42 · Colors: red, black", in the shopper's language
    variants: tuple[VariantOption, ...] = ()
    chosen: int | None = None  # the variant the shopper's words pointed at


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to a question, or the admission that there is none.

    `topic` picks the message (flows/catalog.py, ANSWERS); `params` fill it.
    """

    topic: str
    params: Mapping[str, str] = field(default_factory=dict)
    product_id: int | None = None
    known: bool = True
