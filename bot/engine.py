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

# Message kinds the bot cannot read yet. Their text is a media caption (the shopper's
# words) or, for a location, a place's label, which is not. An attachment with no
# words to go by carries its kind in `entities["kind"]`, so that flows can answer it;
# a caption the bot does not understand is a miss like any other message.
ATTACHMENTS = ("media", "location", "contact")


@dataclass(frozen=True, slots=True)
class Incoming:
    """What the engine needs to know about one stored inbound message."""

    text: str
    payload: str | None = None
    kind: str = "text"
    # An event that does not come from the shopper's words (the console handing the
    # conversation back): taken as it is, never through understanding.
    event: Event | None = None


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
    locale_chosen: bool = False  # the shopper picked `locale` themselves, in an earlier chat


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
        Option(
            i18n.translate(locale, c.label, c.params) if c.translate else _plain(c.label),
            c.payload,
        )
        for c in action.options
    )
    return Outgoing(
        text=i18n.translate(locale, action.msgid, params),
        options=options,
        as_list=len(options) > 3,
        image_url=action.image_url,
    )


def _plain(label: str | tuple[str, str]) -> str:
    """A label shown as it is (a language's own name): never a plural pair in practice."""
    return label if isinstance(label, str) else label[0]


# (event, locale, state) → the facts the flows need this turn (bot/facts.py).
FactLoader = Callable[[Event, str, str], Mapping[str, Any]]


def handle(
    shop: Shop, hot: HotState, conv: Conversation, msg: Incoming,
    facts: FactLoader | None = None,
) -> Turn:
    """Decide what to answer to one message."""
    current = hot.locale or conv.locale
    words = "" if msg.kind in ("location", "contact") else msg.text
    # A name or an address says nothing about the language the shopper reads.
    said = "" if hot.state in flows.FREE_TEXT_STATES else words
    locale, reason = language.choose(
        said,
        current=current,
        phone=conv.phone,
        hint=conv.language_hint,
        default=shop.default_locale,
    )
    chosen = hot.slots.get(CHOSEN) or conv.locale_chosen
    if reason == "detected" and chosen and current and locale != current:
        # A language the shopper picked stays until they pick another.
        locale, reason = i18n.negotiate(current) or locale, "chosen"
    event = msg.event or nlu.understand(words, msg.payload, [(o[0], o[1]) for o in hot.options])
    if event.intent is Intent.UNKNOWN and msg.kind in ATTACHMENTS and not words.strip():
        event = replace(event, entities={**event.entities, "kind": msg.kind})
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
