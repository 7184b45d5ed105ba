"""The cart: add by button, number or name, with quantities and variants; show; remove.

The cart lives in the database (bot/shopping/cart.py), so losing Redis never loses it.
This flow reads three facts, looked up by bot/shopping/facts.py before it runs:

- `cart`: the lines in the cart, already priced in the shopper's currency;
- `pick`: the product a message names — from an "add:<product>[:<variant>[:<qty>]]"
  button, a number from the last list ("add number 2"), the product being discussed
  ("add it", "2 of those") or its name ("add the trail tent") — with its stock;
- `drop`: the cart line a "remove" names — a "remove:<item>" button, its line number
  or words from its title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flows.cart_words import add_payload
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


# -- guards -----------------------------------------------------------------------------


def _cart(ctx: Context) -> Mapping[str, Any]:
    return ctx.facts.get("cart") or {}


def _pick(ctx: Context) -> Mapping[str, Any]:
    return ctx.facts.get("pick") or {}


def cart_empty(ctx: Context, event: Event) -> bool:
    """The cart has no lines."""
    return not _cart(ctx).get("lines")


def nothing_found(ctx: Context, event: Event) -> bool:
    """The message names no product we could find."""
    return not _pick(ctx).get("found")


def too_many(ctx: Context, event: Event) -> bool:
    """More than MAX_QUANTITY at once."""
    return int(_pick(ctx).get("quantity", 1)) > MAX_QUANTITY


def needs_variant(ctx: Context, event: Event) -> bool:
    """The product comes in variants and the message did not say which."""
    pick = _pick(ctx)
    return bool(pick.get("variants")) and pick.get("variant_id") is None


def sold_out(ctx: Context, event: Event) -> bool:
    """Nothing of it is in stock (of any variant, when none was chosen)."""
    pick = _pick(ctx)
    if pick.get("variants") and pick.get("variant_id") is None:
        return not any(v.get("stock") != 0 for v in pick["variants"])
    return pick.get("stock") == 0


def all_in_cart(ctx: Context, event: Event) -> bool:
    """Every unit in stock is in the cart already."""
    return _pick(ctx).get("available") == 0


def short(ctx: Context, event: Event) -> bool:
    """Fewer are available than asked for."""
    available = _pick(ctx).get("available")
    return available is not None and int(_pick(ctx).get("quantity", 1)) > int(available)


def drop_found(ctx: Context, event: Event) -> bool:
    """The remove message names a line of the cart."""
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
    """Put the picked product in the cart and say so."""
    pick = _pick(ctx)
    quantity = int(pick.get("quantity", 1))
    yield AddToCart(int(pick["product_id"]), pick.get("variant_id"), quantity)
    yield Say(N_("Added {quantity} × {title} to your cart."),
              {"quantity": quantity, "title": pick["title"]}, AFTER_ADD)


def not_found(ctx: Context, event: Event) -> Iterable[Action]:
    """Say what we could not find, and how to find it."""
    query = _pick(ctx).get("query")
    options = (Choice(N_("Shop"), "shop"), Choice(N_("View cart"), "cart"))
    if query:
        yield Say(N_("I couldn't find “{query}” in the shop. Try other words, or browse the "
                     "catalog."), {"query": query}, options)
    else:
        yield Say(N_("Which product would you like? Choose Add to cart on a product, or write "
                     "its name, like “add 2 trail tents”."), {}, options)


def choose_variant(ctx: Context, event: Event) -> Iterable[Action]:
    """Ask which variant, offering those in stock."""
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
    """Say it is sold out; offer shopping on or the cart."""
    yield Say(N_("Sorry, {title} is sold out."), {"title": _pick(ctx)["title"]},
              (Choice(N_("Keep shopping"), "shop"), Choice(N_("View cart"), "cart")))


def say_all_in_cart(ctx: Context, event: Event) -> Iterable[Action]:
    """Say the cart already holds all there is."""
    pick = _pick(ctx)
    yield Say(N_("Your cart already has all the {title} we have in stock ({in_cart})."),
              {"in_cart": pick["in_cart"], "title": pick["title"]}, AFTER_ADD[:2])


def offer_what_is_left(ctx: Context, event: Event) -> Iterable[Action]:
    """Offer to add what is left instead."""
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
    """Show the lines, the subtotal and what would block paying."""
    cart = _cart(ctx)
    if cart.get("problems"):
        yield Say(N_("Your cart:\n{lines}\n\nSubtotal: {subtotal}\n\nBefore you pay: {problems}"),
                  {"lines": cart["text"], "subtotal": cart["subtotal"],
                   "problems": cart["problems"]}, CART_OPTIONS[1:])
    else:
        yield Say(N_("Your cart:\n{lines}\n\nSubtotal: {subtotal}"),
                  {"lines": cart["text"], "subtotal": cart["subtotal"]}, CART_OPTIONS)


def remove(ctx: Context, event: Event) -> Iterable[Action]:
    """Take the line out of the cart and say so."""
    drop = ctx.facts["drop"]
    yield RemoveFromCart(int(drop["item_id"]))
    yield Say(N_("Removed {title} from your cart."), {"title": drop["title"]},
              (Choice(N_("View cart"), "cart"), Choice(N_("Keep shopping"), "shop")))


def ask_which_to_remove(ctx: Context, event: Event) -> Iterable[Action]:
    """Offer each line as a button to remove it."""
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
