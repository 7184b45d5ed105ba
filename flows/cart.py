"""The cart: add by button, number or name, with quantities and variants; show; remove.

The cart lives in the database (bot/shopping/cart.py), so losing Redis never loses it.
This flow reads two facts, looked up by bot/shopping/facts.py before it runs:

- `cart`: the lines in the cart, already priced in the shopper's currency;
- `pick`: the product a message names — from an "add:<product>[:<variant>[:<qty>]]"
  button, a number from the last list ("add number 2"), the product being discussed
  ("add it", "2 of those") or its name ("add the trail tent") — with its stock;
- `drop`: the cart line a "remove" names — a "remove:<item>" button, its line number
  or words from its title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flows.machine import ANY, SAME, T, say
from flows.types import N_, Action, Choice, Context, Event, Intent, Say

# More than this in one message is a wholesale question for a person, not a typo to obey.
MAX_QUANTITY = 20


@dataclass(frozen=True, slots=True)
class AddToCart(Action):
    """Put `quantity` of a product (or one of its variants) in the shopper's cart."""

    product_id: int
    variant_id: int | None
    quantity: int


@dataclass(frozen=True, slots=True)
class RemoveFromCart(Action):
    """Take one line out of the shopper's cart."""

    item_id: int


@dataclass(frozen=True, slots=True)
class AddRequest:
    """What an "add" message says, before anything is looked up."""

    quantity: int | None = None
    index: int | None = None  # "number 2": the second product of the last list
    pronoun: bool = False  # "it", "those": the product being discussed
    words: str = ""  # what is left, maybe a product's name


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "diez": 10,
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "quatro": 4, "dez": 10,
}
_INDEX = re.compile(r"\b(?:number|numero|item|opcion|opcao|no|n)\s*(\d{1,2})\b|#\s*(\d{1,2})\b")
_QUANTITY = re.compile(r"\b(\d{1,3})\s*(?:x\b|units?\b|unidades?\b|pcs\b)?|\bx\s*(\d{1,3})\b")
_PRONOUNS = frozenset((
    "it", "this", "that", "those", "these", "them", "one", "ones", "lo", "la", "los", "las",
    "ese", "esa", "eso", "esos", "esas", "este", "esta", "esto", "estos", "estas", "isso",
    "esse", "essa", "esses", "essas", "isto", "estes", "dessa", "desse", "dessas", "desses",
    "deles", "delas", "disso", "dele", "dela"
))
# Words of "add" and "remove" phrases, and filler: left out of the name we search for.
_FILLER = frozenset((
    "remove", "delete", "quitar", "quita", "quitalo", "quitala", "eliminar", "elimina",
    "sacar", "saca", "borrar", "borra", "remover", "tirar", "tira", "retirar", "excluir",
    "exclui", "apagar", "from", "out", "off", "del", "carrito", "carrinho", "cart",
    "add", "to", "my", "cart", "the", "a", "an", "of", "please", "i", "ll", "ill", "will",
    "take", "have", "put", "in", "and", "also", "more", "agregar", "agrega", "agregame",
    "agregalo", "agregala", "anadir", "anade", "anadelo", "al", "carrito", "me", "llevo",
    "lo", "el", "de", "del", "por", "favor", "quiero", "tambien", "mas", "un", "adicionar",
    "adiciona", "adicione", "ao", "carrinho", "coloca", "colocar", "no", "pode", "vou",
    "levar", "eu", "levo", "quero", "querer", "o", "do", "da", "os", "as", "mais", "tambem"
))


def parse_add(norm: str) -> AddRequest:
    """Read an "add" message already normalized (bot.nlu.normalize): numbers and names."""
    text = f" {norm} "
    index = None
    match = _INDEX.search(norm)
    if match:
        index = int(match.group(1) or match.group(2))
        text = text.replace(match.group(0), " ")
    quantity = None
    match = _QUANTITY.search(text)
    if match:
        quantity = int(match.group(1) or match.group(2))
        text = text.replace(match.group(0), " ", 1)
    words = text.split()
    if quantity is None:
        counted = [w for w in words if w in _NUMBER_WORDS]
        # "one" alone is a pronoun ("the green one"); "two tents" is a quantity.
        if counted and counted[0] != "one":
            quantity = _NUMBER_WORDS[counted[0]]
            words.remove(counted[0])
    pronoun = any(w in _PRONOUNS for w in words)
    rest = [w for w in words if w not in _PRONOUNS and w not in _FILLER]
    return AddRequest(quantity, index, pronoun, " ".join(rest))


def parse_add_payload(payload: str) -> tuple[int, int | None, int | None] | None:
    """(product, variant, quantity) of "add:<product>[:<variant>|-[:<quantity>]]", or None."""
    parts = payload.split(":")
    if parts[0] != "add" or not 2 <= len(parts) <= 4:
        return None
    try:
        product = int(parts[1])
        variant = int(parts[2]) if len(parts) > 2 and parts[2] not in ("", "-") else None
        quantity = int(parts[3]) if len(parts) > 3 else None
    except ValueError:
        return None
    return product, variant, quantity


def add_payload(product_id: int, variant_id: int | None, quantity: int | None = None) -> str:
    """The payload of a button that adds this product (and variant, and quantity)."""
    payload = f"add:{product_id}"
    if variant_id is not None or quantity is not None:
        payload += f":{variant_id if variant_id is not None else '-'}"
    if quantity is not None:
        payload += f":{quantity}"
    return payload


# -- guards -----------------------------------------------------------------------------


def _cart(ctx: Context) -> Mapping[str, Any]:
    return ctx.facts.get("cart") or {}


def _pick(ctx: Context) -> Mapping[str, Any]:
    return ctx.facts.get("pick") or {}


def cart_empty(ctx: Context, event: Event) -> bool:
    return not _cart(ctx).get("lines")


def nothing_found(ctx: Context, event: Event) -> bool:
    return not _pick(ctx).get("found")


def too_many(ctx: Context, event: Event) -> bool:
    return int(_pick(ctx).get("quantity", 1)) > MAX_QUANTITY


def needs_variant(ctx: Context, event: Event) -> bool:
    pick = _pick(ctx)
    return bool(pick.get("variants")) and pick.get("variant_id") is None


def sold_out(ctx: Context, event: Event) -> bool:
    pick = _pick(ctx)
    if pick.get("variants") and pick.get("variant_id") is None:
        return not any(v.get("stock") != 0 for v in pick["variants"])
    return pick.get("stock") == 0


def all_in_cart(ctx: Context, event: Event) -> bool:
    return _pick(ctx).get("available") == 0


def short(ctx: Context, event: Event) -> bool:
    available = _pick(ctx).get("available")
    return available is not None and int(_pick(ctx).get("quantity", 1)) > int(available)


def drop_found(ctx: Context, event: Event) -> bool:
    return bool((ctx.facts.get("drop") or {}).get("found"))


# -- effects ----------------------------------------------------------------------------

AFTER_ADD = (
    Choice(N_("View cart"), "cart"),
    Choice(N_("Checkout"), "checkout"),
    Choice(N_("Keep shopping"), "shop"),
)
CART_OPTIONS = (
    Choice(N_("Checkout"), "checkout"),
    Choice(N_("Remove an item"), "remove:"),
    Choice(N_("Keep shopping"), "shop"),
)


def add(ctx: Context, event: Event) -> Iterable[Action]:
    pick = _pick(ctx)
    quantity = int(pick.get("quantity", 1))
    yield AddToCart(int(pick["product_id"]), pick.get("variant_id"), quantity)
    yield Say(N_("Added {quantity} × {title} to your cart."),
              {"quantity": quantity, "title": pick["title"]}, AFTER_ADD)


def not_found(ctx: Context, event: Event) -> Iterable[Action]:
    query = _pick(ctx).get("query")
    options = (Choice(N_("Shop"), "shop"), Choice(N_("View cart"), "cart"))
    if query:
        yield Say(N_("I couldn't find “{query}” in the shop. Try other words, or browse the "
                     "catalog."), {"query": query}, options)
    else:
        yield Say(N_("Which product would you like? Choose Add to cart on a product, or write "
                     "its name, like “add 2 trail tents”."), {}, options)


def choose_variant(ctx: Context, event: Event) -> Iterable[Action]:
    pick = _pick(ctx)
    choices = tuple(
        Choice(str(v["label"]),
               add_payload(int(pick["product_id"]), int(v["id"]), pick.get("quantity")),
               translate=False)
        for v in pick["variants"]
        if v.get("stock") != 0
    )
    yield Say(N_("Which {title} would you like?"), {"title": pick["title"]}, choices)


def say_sold_out(ctx: Context, event: Event) -> Iterable[Action]:
    yield Say(N_("Sorry, {title} is sold out."), {"title": _pick(ctx)["title"]},
              (Choice(N_("Keep shopping"), "shop"), Choice(N_("View cart"), "cart")))


def say_all_in_cart(ctx: Context, event: Event) -> Iterable[Action]:
    pick = _pick(ctx)
    yield Say(N_("Your cart already has all the {title} we have in stock ({in_cart})."),
              {"in_cart": pick["in_cart"], "title": pick["title"]}, AFTER_ADD[:2])


def offer_what_is_left(ctx: Context, event: Event) -> Iterable[Action]:
    pick = _pick(ctx)
    available = int(pick["available"])
    options = (
        Choice(N_("Add {n}"), add_payload(int(pick["product_id"]), pick.get("variant_id"),
                                          available), {"n": available}),
        Choice(N_("View cart"), "cart"),
    )
    if int(pick.get("in_cart", 0)):
        yield Say(N_("{title}: only {n} more in stock (your cart has {in_cart}). Shall I add "
                     "{n}?"),
                  {"n": available, "title": pick["title"], "in_cart": pick["in_cart"]}, options)
    else:
        yield Say(N_("{title}: only {n} in stock. Shall I add {n}?"),
                  {"n": available, "title": pick["title"]}, options)


def show_cart(ctx: Context, event: Event) -> Iterable[Action]:
    cart = _cart(ctx)
    if cart.get("problems"):
        yield Say(N_("Your cart:\n{lines}\n\nSubtotal: {subtotal}\n\nBefore you pay: {problems}"),
                  {"lines": cart["text"], "subtotal": cart["subtotal"],
                   "problems": cart["problems"]}, CART_OPTIONS[1:])
    else:
        yield Say(N_("Your cart:\n{lines}\n\nSubtotal: {subtotal}"),
                  {"lines": cart["text"], "subtotal": cart["subtotal"]}, CART_OPTIONS)


def remove(ctx: Context, event: Event) -> Iterable[Action]:
    drop = ctx.facts["drop"]
    yield RemoveFromCart(int(drop["item_id"]))
    yield Say(N_("Removed {title} from your cart."), {"title": drop["title"]},
              (Choice(N_("View cart"), "cart"), Choice(N_("Keep shopping"), "shop")))


def ask_which_to_remove(ctx: Context, event: Event) -> Iterable[Action]:
    choices = tuple(
        Choice(f"{line['title']} ({line['quantity']})", f"remove:{line['item_id']}",
               translate=False)
        for line in _cart(ctx)["lines"]
    )
    yield Say(N_("Which item should I remove?"), {}, choices)


EMPTY = say(N_("Your cart is empty. Tell me what you're looking for, or browse the shop."),
            Choice(N_("Shop"), "shop"))

TABLE = (
    # state  on             guard          next  effects
    T(ANY,   Intent.ADD,    nothing_found, SAME, not_found),
    T(ANY,   Intent.ADD,    too_many,      SAME,
      say(N_("That's more than I can add in one go. For large orders, a person can help."),
          Choice(N_("Talk to a person"), "human"), Choice(N_("View cart"), "cart"))),
    T(ANY,   Intent.ADD,    sold_out,      SAME, say_sold_out),
    T(ANY,   Intent.ADD,    needs_variant, SAME, choose_variant),
    T(ANY,   Intent.ADD,    all_in_cart,   SAME, say_all_in_cart),
    T(ANY,   Intent.ADD,    short,         SAME, offer_what_is_left),
    T(ANY,   Intent.ADD,    None,          SAME, add),
    T(ANY,   Intent.REMOVE, cart_empty,    SAME, EMPTY),
    T(ANY,   Intent.REMOVE, drop_found,    SAME, remove),
    T(ANY,   Intent.REMOVE, None,          SAME, ask_which_to_remove),
    T(ANY,   Intent.CART,   cart_empty,    SAME, EMPTY),
    T(ANY,   Intent.CART,   None,          SAME, show_cart),
)

STATES: tuple[str, ...] = ()
