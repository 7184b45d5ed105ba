"""The domain types flows speak: events in, actions out. No I/O, no frameworks."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(msgid: str) -> str:
    """Mark a message for translation; the engine translates it in the shopper's locale."""
    return msgid


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - an extraction keyword
    """Mark a plural message; the engine picks the form for the parameter `n`.

    `Say(Nn_("{n} item in your cart", "{n} items in your cart"), {"n": 3})`: each
    locale's catalog has as many forms as its language needs (Arabic six, Japanese one).
    """
    return (singular, plural)


# A message as flows name it: a msgid, or a (singular, plural) pair from `Nn_`.
Msgid = str | tuple[str, str]


class Intent(str, enum.Enum):  # noqa: UP042 - str(Intent.STOP) stays "Intent.STOP"
    """What the shopper means, as understanding (bot/nlu.py) reads it."""

    GREET = "greet"
    MENU = "menu"
    HELP = "help"
    HUMAN = "human"
    LANGUAGE = "language"  # entities: locale (when named)
    STOP = "stop"
    START = "start"
    MAYBE_STOP = "maybe_stop"  # a stop word inside a longer message: ask before stopping
    YES = "yes"
    NO = "no"
    THANKS = "thanks"
    CHOICE = "choice"  # a button, a number or a label: the option's payload is in `payload`
    BROWSE = "browse"
    MORE = "more"  # the next page of what was listed
    ASK = "ask"  # a question about a product or the shop's policies
    TRACK = "track"
    CART = "cart"  # show the cart
    ADD = "add"  # put something in the cart; the payload "add:<product>[:<variant>]" or words
    REMOVE = "remove"  # take something out of the cart; "remove:<item>" or words
    CHECKOUT = "checkout"  # pay for the cart
    UNKNOWN = "unknown"
    # Not from the shopper: the console gave the conversation back to the bot
    # (entities: rating, whether to ask the shopper for one). Understanding never
    # produces it, so a shopper cannot fake it.
    AGENT_DONE = "agent_done"


@dataclass(frozen=True, slots=True)
class Event:
    """One understood message."""

    intent: Intent
    text: str = ""
    payload: str | None = None
    entities: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    """What a flow may read about the conversation. Read-only."""

    state: str
    locale: str
    channel: str  # the channel whose rules apply (the imitated one in the simulator)
    shop_name: str
    locales: tuple[str, ...]
    customer_name: str | None = None
    slots: Mapping[str, Any] = field(default_factory=dict)
    misses: int = 0
    turn: int = 0  # messages handled in this conversation's hot state; 0 for the first
    # Facts the engine looked up for this turn (search results, the shopper's orders,
    # the cart...), by the providers registered in bot/facts.py. Flows only read them.
    facts: Mapping[str, Any] = field(default_factory=dict)
    country: str | None = None  # ISO 3166 alpha-2, from the phone number or the shopper


@dataclass(frozen=True, slots=True)
class Choice:
    """An option offered with a reply; `label` is a msgid, `payload` is what comes back."""

    label: Msgid
    payload: str
    params: Mapping[str, Any] = field(default_factory=dict)
    translate: bool = True  # language names are shown as they are, never translated


# Actions: what a flow asks the engine to do. Data, not calls. Each flow module may
# define its own actions (subclasses of Action); the worker performs them through
# the handlers registered in bot/effects.py.


@dataclass(frozen=True, slots=True)
class Action:
    """Base of everything a flow can ask for."""


@dataclass(frozen=True, slots=True)
class Say(Action):
    """Send the shopper a message (a msgid with its params) and maybe options."""

    msgid: Msgid
    params: Mapping[str, Any] = field(default_factory=dict)
    options: tuple[Choice, ...] = ()
    image_url: str | None = None  # shown with the text where the channel can


@dataclass(frozen=True, slots=True)
class SetLocale(Action):
    """Speak `locale` from now on in this conversation."""

    locale: str


@dataclass(frozen=True, slots=True)
class SetSlots(Action):
    """Remember values in the conversation's state."""

    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RequestAgent(Action):
    """Ask for a person to take the conversation."""

    reason: str


@dataclass(frozen=True, slots=True)
class CancelAgent(Action):
    """The shopper no longer waits for a person."""


@dataclass(frozen=True, slots=True)
class OptOut(Action):
    """The shopper said STOP: no more messages they did not ask for, on any topic."""


@dataclass(frozen=True, slots=True)
class OptIn(Action):
    """The shopper said START: messages they agreed to may resume."""


@dataclass(frozen=True, slots=True)
class Miss(Action):
    """The bot did not understand; two in a row offer a person."""

