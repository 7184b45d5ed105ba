"""The dialogue engine: one inbound message → the flows → replies and effects.

Pure apart from reading translations: the worker loads the conversation, calls
`handle()`, then performs what it returns in one transaction (DESIGN.md rule 7).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import flows
from bot import i18n, language, nlu
from bot.shop import Shop
from bot.state import HotState
from channels.base import Option, Outgoing
from flows.handoff import WAITING_HUMAN
from flows.machine import run
from flows.types import (
    Action,
    Context,
    Event,
    Intent,
    Miss,
    Say,
    SetLocale,
    SetSlots,
)

# The slot that remembers the shopper picked a language themselves.
CHOSEN = "locale_chosen"

# While a person holds a conversation the bot answers only these.
ANSWERED_DURING_TAKEOVER = (Intent.STOP, Intent.START, Intent.HELP)


@dataclass(frozen=True, slots=True)
class Incoming:
    """What the engine needs to know about one stored inbound message."""

    text: str
    payload: str | None = None
    kind: str = "text"


@dataclass(frozen=True, slots=True)
class Conversation:
    """What the engine needs to know about the conversation, read from the database."""

    channel: str  # the channel whose rules apply
    status: str = "bot"  # bot | waiting | agent
    locale: str | None = None
    phone: str | None = None
    language_hint: str | None = None
    customer_name: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """The engine's answer: replies to send, effects to perform, the state to keep."""

    replies: tuple[Outgoing, ...]
    effects: tuple[Action, ...]
    state: HotState
    locale: str
    event: Event
    locale_reason: str = ""
    silent: bool = field(default=False)


def render(shop: Shop, locale: str, action: Say) -> Outgoing:
    """A Say, translated into `locale`, as a channel-neutral reply."""
    params = {"shop": shop.name, **action.params}
    options = tuple(
        Option(i18n.gettext(locale, c.label, **c.params) if c.translate else c.label, c.payload)
        for c in action.options
    )
    return Outgoing(
        text=i18n.gettext(locale, action.msgid, **params),
        options=options,
        as_list=len(options) > 3,
    )


# (event, locale, state) → the facts the flows need this turn (bot/facts.py).
FactLoader = Callable[[Event, str, str], Mapping[str, Any]]


def handle(
    shop: Shop, hot: HotState, conv: Conversation, msg: Incoming,
    facts: FactLoader | None = None,
) -> Turn:
    """Decide what to answer to one message."""
    # A name or an address says nothing about the language the shopper reads.
    said = "" if hot.state in flows.FREE_TEXT_STATES else msg.text
    locale, reason = language.choose(
        said,
        current=hot.locale or conv.locale,
        phone=conv.phone,
        hint=conv.language_hint,
        default=shop.default_locale,
    )
    if reason == "detected" and hot.slots.get(CHOSEN) and hot.locale:
        # A language the shopper picked stays until they pick another.
        locale, reason = hot.locale, "chosen"
    event = nlu.understand(msg.text, msg.payload, [tuple(o) for o in hot.options])
    state = hot.state
    if conv.status == "waiting":
        state = WAITING_HUMAN
    elif conv.status == "agent" and event.intent not in ANSWERED_DURING_TAKEOVER:
        # A person is answering: keep the bot quiet, but remember the language.
        return Turn((), (), replace(hot, locale=locale, turn=hot.turn + 1), locale, event,
                    reason, silent=True)
    elif conv.status == "bot" and state == WAITING_HUMAN:
        # An agent handed the conversation back; the bot starts from the menu.
        state = flows.START

    ctx = Context(
        facts=facts(event, locale, state) if facts is not None else {},
        country=conv.country,
        state=state,
        locale=locale,
        channel=conv.channel,
        shop_name=shop.name,
        locales=i18n.SUPPORTED,
        customer_name=conv.customer_name,
        slots=hot.slots,
        misses=hot.misses,
        turn=hot.turn,
    )
    step = run(flows.TABLE, ctx, event)

    replies: list[Outgoing] = []
    effects: list[Action] = []
    slots = dict(hot.slots)
    missed = False
    options = hot.options
    for action in step.actions:
        if isinstance(action, SetLocale):
            locale, reason = action.locale, "requested"
            slots[CHOSEN] = True
            effects.append(action)
        elif isinstance(action, Say):
            reply = render(shop, locale, action)
            replies.append(reply)
            options = [[o.label, o.payload] for o in reply.options] or options
        elif isinstance(action, SetSlots):
            slots.update(action.values)
        elif isinstance(action, Miss):
            missed = True
        else:
            effects.append(action)
    new = HotState(
        state=step.state,
        locale=locale,
        slots=slots,
        misses=hot.misses + 1 if missed else 0,
        turn=hot.turn + 1,
        options=options,
    )
    return Turn(tuple(replies), tuple(effects), new, locale, event, reason)


def apology(locale: str) -> Outgoing:
    """What a shopper sees when something broke on our side: a sentence and a next step."""
    return Outgoing(
        i18n.gettext(
            locale,
            i18n.N_("Sorry, something went wrong on our side. Please try again, "
                    "or write PERSON to reach someone."),
        )
    )
