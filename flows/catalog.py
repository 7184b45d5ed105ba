"""Product answers: list what matches a question, show one product with its Add button.

PLACEHOLDER until the `catalog` branch merges: that branch owns this flow and replaces
this file. It keeps only the conventions the cart relies on: a listed product's
payload is "product:<id>", a shown product offers "add:<id>", and the slots `results`
(the ids last listed, in order) and `product` (the one being discussed) are set here.
Facts come from bot/catalog/chat.py as `ctx.facts["catalog"]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flows.handoff import OFFER, OFFER_HUMAN
from flows.machine import ANY, SAME, T, say
from flows.types import N_, Action, Choice, Context, Event, Intent, Say, SetSlots


def _catalog(ctx: Context) -> Mapping[str, Any]:
    return ctx.facts.get("catalog") or {}


def has_results(ctx: Context, event: Event) -> bool:
    """The question matched products, or the shop lists what it has."""
    return bool(_catalog(ctx).get("results"))


def shows_product(ctx: Context, event: Event) -> bool:
    """A product's button was tapped and it exists."""
    return bool(_catalog(ctx).get("product"))


def list_results(ctx: Context, event: Event) -> Iterable[Action]:
    """List the products as buttons and remember them for "add number 2"."""
    results = _catalog(ctx)["results"]
    choices = tuple(Choice(r["label"], f"product:{r['id']}", translate=False) for r in results)
    ids = [r["id"] for r in results]
    yield SetSlots({"results": ids, "product": ids[0] if len(ids) == 1 else None})
    if _catalog(ctx).get("matched") and event.payload:
        yield Say(N_("Here's what we have:"), {}, choices)
    elif _catalog(ctx).get("matched"):
        yield Say(N_("Here's what I found:"), {}, choices)
    else:
        yield Say(N_("I couldn't find that, but here's what we have:"), {}, choices)


def show_product(ctx: Context, event: Event) -> Iterable[Action]:
    """Show one product with its Add to cart button."""
    product = _catalog(ctx)["product"]
    yield SetSlots({"product": product["id"]})
    options = (Choice(N_("Add to cart"), f"add:{product['id']}"), Choice(N_("View cart"), "cart"))
    yield Say(N_("{title} — {price}\n{description}"),
              {"title": product["title"], "price": product["price"],
               "description": product["description"]}, options)


TABLE = (
    T(ANY, Intent.BROWSE, has_results,   SAME, list_results),
    T(ANY, Intent.BROWSE, None,          OFFER_HUMAN,
      say(N_("The shop has no products to show yet. A person can help you."), *OFFER)),
    T(ANY, Intent.CHOICE, shows_product, SAME, show_product),
)

STATES: tuple[str, ...] = ()
