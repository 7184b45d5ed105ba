"""The domain types flows speak: events in, actions out. No I/O, no frameworks."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(msgid: str) -> str:
    """Mark a message for translation; the engine translates it in the shopper's locale."""
    return msgid


class Intent(str, enum.Enum):
    """What the shopper means, as understanding (bot/nlu.py) reads it."""

    GREET = "greet"
    MENU = "menu"
    HELP = "help"
    HUMAN = "human"
    LANGUAGE = "language"  # entities: locale (when named)
    STOP = "stop"
    START = "start"
    YES = "yes"
    NO = "no"
    THANKS = "thanks"
    CHOICE = "choice"  # a button, a number or a label: the option's payload is in `payload`
    BROWSE = "browse"
    TRACK = "track"
    UNKNOWN = "unknown"


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


@dataclass(frozen=True, slots=True)
class Choice:
    """An option offered with a reply; `label` is a msgid, `payload` is what comes back."""

    label: str
    payload: str
    params: Mapping[str, Any] = field(default_factory=dict)
    translate: bool = True  # language names are shown as they are, never translated


# Actions: what a flow asks the engine to do. Data, not calls.


@dataclass(frozen=True, slots=True)
class Say:
    """Send the shopper a message (a msgid with its params) and maybe options."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    options: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class SetLocale:
    """Speak `locale` from now on in this conversation."""

    locale: str


@dataclass(frozen=True, slots=True)
class SetSlots:
    """Remember values in the conversation's state."""

    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RequestAgent:
    """Ask for a person to take the conversation."""

    reason: str


@dataclass(frozen=True, slots=True)
class CancelAgent:
    """The shopper no longer waits for a person."""


@dataclass(frozen=True, slots=True)
class OptOut:
    """The shopper said STOP: no more messages they did not ask for, on any topic."""


@dataclass(frozen=True, slots=True)
class OptIn:
    """The shopper said START: messages they agreed to may resume."""


@dataclass(frozen=True, slots=True)
class Miss:
    """The bot did not understand; two in a row offer a person."""


Action = Say | SetLocale | SetSlots | RequestAgent | CancelAgent | OptOut | OptIn | Miss
