"""Where is my order: the shopper's own orders, found by asking, by number or by tracking number.

Facts (bot/orders/facts.py) bring `OrderFacts`: only this shopper's orders, each
already written in their language. A number that is not one of theirs gets the same
answer as a number that does not exist, so nobody learns about another's order.
After showing an order still on its way, a shopper who never said yes or no to order
updates is asked whether they want them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flows.machine import ANY, Effect, T, do, say
from flows.menu import MENU
from flows.types import N_, Action, Choice, Context, Event, Intent, Say, SetSlots

ASK_ORDER = "order_ask"
PICK_ORDER = "order_pick"
ASK_UPDATES = "order_updates_ask"

# Offered with order cards and with the opt-in question asked when an order is created.
UPDATES_CHOICES = (Choice(N_("Yes, send updates"), "yes"), Choice(N_("No, thanks"), "no"))
PICK_LIMIT = 10  # orders offered to choose from; Telegram and list pickers stay readable


@dataclass(frozen=True, slots=True)
class OrderView:
    """One of the shopper's orders, as the flows show it."""

    number: str
    status: str
    label: str  # "Order 1042: Shipped", already in the shopper's language
    status_label: str  # "Shipped", in the shopper's language
    details: str  # carrier, expected delivery, timeline, link: in the shopper's language
    open: bool  # still on its way
    can_rate: bool  # delivered and not rated yet


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the flows know about the shopper's orders this turn."""

    orders: tuple[OrderView, ...] = ()  # newest first
    ref: str | None = None  # what looked like an order or tracking number in the message
    match: OrderView | None = None  # the shopper's own order that `ref` names
    may_offer_updates: bool = False  # never asked about order updates, and no STOP


@dataclass(frozen=True, slots=True)
class AnswerUpdates(Action):
    """The shopper said yes or no to order updates in this chat."""

    granted: bool


def facts(ctx: Context) -> OrderFacts:
    """The order facts of this turn (none when the provider had nothing to add)."""
    found = ctx.facts.get("orders")
    return found if isinstance(found, OrderFacts) else OrderFacts()


def picked(ctx: Context, event: Event) -> OrderView | None:
    """The order behind an `order:<number>` button, if it is one of the shopper's."""
    payload = event.payload or ""
    if not payload.startswith("order:"):
        return None
    return next((o for o in facts(ctx).orders if o.number == payload[6:]), None)


def named(ctx: Context, event: Event) -> OrderView | None:
    """The shopper's own order that the message named by number or tracking number."""
    return facts(ctx).match


def only(ctx: Context, event: Event) -> OrderView | None:
    """The order a plain "where is my order?" means: the one on its way, else the latest."""
    orders = facts(ctx).orders
    open_ = [o for o in orders if o.open]
    if len(open_) == 1:
        return open_[0]
    return orders[0] if orders and not open_ else None


def _offer(ctx: Context, order: OrderView | None) -> bool:
    return order is not None and order.open and facts(ctx).may_offer_updates


def picked_offer(ctx: Context, event: Event) -> bool:
    """A picked order on its way, for a shopper we may ask about updates."""
    return _offer(ctx, picked(ctx, event))


def picked_any(ctx: Context, event: Event) -> bool:
    """A button picked one of the shopper's orders."""
    return picked(ctx, event) is not None


def named_offer(ctx: Context, event: Event) -> bool:
    """A named order on its way, for a shopper we may ask about updates."""
    return _offer(ctx, named(ctx, event))


def named_any(ctx: Context, event: Event) -> bool:
    """The message named one of the shopper's orders."""
    return named(ctx, event) is not None


def only_offer(ctx: Context, event: Event) -> bool:
    """The one order meant is on its way, and we may ask about updates."""
    return _offer(ctx, only(ctx, event))


def only_any(ctx: Context, event: Event) -> bool:
    """There is one order a plain "where is my order?" can mean."""
    return only(ctx, event) is not None


def unknown_ref(ctx: Context, event: Event) -> bool:
    """The message named a number that is none of the shopper's orders."""
    f = facts(ctx)
    return f.ref is not None and f.match is None


def several_open(ctx: Context, event: Event) -> bool:
    """More than one of the shopper's orders is on its way."""
    return sum(o.open for o in facts(ctx).orders) > 1


Finder = Callable[[Context, Event], "OrderView | None"]


def show(which: Finder, offer: bool) -> Effect:
    """An effect that shows the order `which(ctx, event)` finds, offering updates or not."""

    def effect(ctx: Context, event: Event) -> Iterable[Action]:
        order = which(ctx, event)
        assert order is not None, "a guard found this order"
        if offer:
            options: tuple[Choice, ...] = UPDATES_CHOICES
            msgid = N_("Order {number}: {status}\n\n{details}\n\n"
                       "Do you want updates about this order here when it moves?")
        elif order.can_rate:
            options = (Choice(N_("Rate this order"), f"feedback:{order.number}"),
                       Choice(N_("Menu"), "menu"))
            msgid = N_("Order {number}: {status}\n\n{details}")
        else:
            options, msgid = (), N_("Order {number}: {status}\n\n{details}")
        yield SetSlots({"order": order.number})
        yield Say(msgid, {"number": order.number, "status": order.status_label,
                          "details": order.details}, options)

    effect.__name__ = f"show({which.__name__}, offer={offer})"
    return effect


def choose(ctx: Context, event: Event) -> Iterable[Action]:
    """Offer the orders on their way to pick from."""
    open_ = [o for o in facts(ctx).orders if o.open][:PICK_LIMIT]
    yield Say(N_("Several of your orders are on their way. Which one do you mean?"), {},
              tuple(Choice(o.label, f"order:{o.number}", translate=False) for o in open_))


def not_found(ctx: Context, event: Event) -> Iterable[Action]:
    """Say the number is not found here, the same whether it exists elsewhere or not."""
    yield Say(N_("I can't find order {ref} in this chat. Please check the number, or write "
                 "PERSON and someone will look it up for you."), {"ref": facts(ctx).ref})


TABLE = (
    # state      on              guard         next         effects
    T(ASK_UPDATES, Intent.YES,   None,         MENU,        do(AnswerUpdates(True)),
      say(N_("Done: I'll send you updates about your orders here. Reply STOP at any time "
             "to stop them."))),
    T(ASK_UPDATES, Intent.NO,    None,         MENU,        do(AnswerUpdates(False)),
      say(N_("Okay, no updates. You can ask me \"where is my order?\" here at any time."))),
    T(ANY,       Intent.CHOICE,  picked_offer, ASK_UPDATES, show(picked, offer=True)),
    T(ANY,       Intent.CHOICE,  picked_any,   MENU,        show(picked, offer=False)),
    T(ANY,       Intent.TRACK,   named_offer,  ASK_UPDATES, show(named, offer=True)),
    T(ANY,       Intent.TRACK,   named_any,    MENU,        show(named, offer=False)),
    T(ANY,       Intent.TRACK,   unknown_ref,  ASK_ORDER,   not_found),
    T(ANY,       Intent.TRACK,   several_open, PICK_ORDER,  choose),
    T(ANY,       Intent.TRACK,   only_offer,   ASK_UPDATES, show(only, offer=True)),
    T(ANY,       Intent.TRACK,   only_any,     MENU,        show(only, offer=False)),
    T(ANY,       Intent.TRACK,   None,         ASK_ORDER,
      say(N_("I can't find any orders from this chat. If you ordered with another number "
             "or account, send me the order number."))),
    # An order or tracking number on its own, in any state: the shopper's own order only.
    T(ANY,       Intent.UNKNOWN, named_offer,  ASK_UPDATES, show(named, offer=True)),
    T(ANY,       Intent.UNKNOWN, named_any,    MENU,        show(named, offer=False)),
    T(ASK_ORDER, Intent.UNKNOWN, unknown_ref,  ASK_ORDER,   not_found),
    T(PICK_ORDER, Intent.UNKNOWN, unknown_ref, PICK_ORDER,  not_found),
    T(MENU,      Intent.UNKNOWN, unknown_ref,  ASK_ORDER,   not_found),
)

STATES = (ASK_ORDER, PICK_ORDER, ASK_UPDATES)
