"""Performing what flows ask for: one handler per Action type, in the worker's transaction.

A feature registers its handlers with `@handles(ActionType)` in its own module and
lists that module in PLUGINS. A handler may add replies (returned) and queue work
to run after the commit (`ctx.after_commit`), such as creating a payment link.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from bot import audit, consent
from bot.models import Conversation
from channels.base import Outgoing
from flows.types import Action, CancelAgent, OptIn, OptOut, RequestAgent, SetLocale

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Modules whose import registers more handlers (features add theirs here).
PLUGINS: tuple[str, ...] = (
    "bot.console.plugin", "bot.shopping.cart", "bot.shopping.orders", "bot.orders.chat",
)


@dataclass
class EffectContext:
    """What a handler may use besides the session: the runtime, the time, the proof."""

    rt: Runtime
    now: datetime
    locale: str
    proof: str | None = None  # the inbound message's provider id that caused this
    after_commit: list[Callable[[], None]] = field(default_factory=list)


Handler = Callable[[Session, Conversation, Any, EffectContext], list[Outgoing] | None]
A = TypeVar("A", bound=Action)

_HANDLERS: dict[type[Action], Handler] = {}
_loaded = False


def handles(action_type: type[A]) -> Callable[[Handler], Handler]:
    """Register a handler for one Action type."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[action_type] = fn
        return fn

    return register


def _load_plugins() -> None:
    global _loaded
    if not _loaded:
        for name in PLUGINS:
            importlib.import_module(name)
        _loaded = True


def perform(s: Session, conv: Conversation, action: Action, ctx: EffectContext) -> list[Outgoing]:
    """Carry out one action; the replies it produced, if any."""
    _load_plugins()
    handler = _HANDLERS.get(type(action))
    if handler is None:
        raise LookupError(f"no handler for {type(action).__name__}")
    return list(handler(s, conv, action, ctx) or ())


@handles(SetLocale)
def _set_locale(s: Session, conv: Conversation, action: SetLocale, ctx: EffectContext) -> None:
    conv.locale = action.locale
    conv.customer.locale = action.locale
    conv.customer.locale_chosen_at = ctx.now


@handles(RequestAgent)
def _request_agent(s: Session, conv: Conversation, action: RequestAgent,
                   ctx: EffectContext) -> None:
    from bot.console.takeover import request_agent  # not at the top: it imports this module

    request_agent(s, conv, action.reason, now=ctx.now)


@handles(CancelAgent)
def _cancel_agent(s: Session, conv: Conversation, action: CancelAgent,
                  ctx: EffectContext) -> None:
    from bot.console.takeover import cancel_request  # not at the top: it imports this module

    cancel_request(s, conv, now=ctx.now)


@handles(OptOut)
@handles(OptIn)
def _consent(s: Session, conv: Conversation, action: OptOut | OptIn, ctx: EffectContext) -> None:
    granted = isinstance(action, OptIn)
    consent.record(s, conv.customer_id, "all", granted, source="shopper", channel=conv.channel,
                   proof=ctx.proof, at=ctx.now)
    audit.record(s, "shopper", "consent.opt_in" if granted else "consent.opt_out",
                 f"customer:{conv.customer_id}",
                 detail={"topic": "all", "source": "shopper", "channel": conv.channel},
                 at=ctx.now)
