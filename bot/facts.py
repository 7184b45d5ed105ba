"""Looking up what flows need to decide: search results, the cart, the shopper's orders.

Flows do no I/O (DESIGN.md rule 7): before a message runs through the tables, the
engine asks every registered provider for the facts this turn needs and hands them
to the flows in `Context.facts`. A provider looks at the understood event, the
locale and the state, and returns {} when it has nothing to add.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.models import Conversation
from flows.types import Event

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Modules whose import registers more providers (features add theirs here).
PLUGINS: tuple[str, ...] = (
    "bot.language_facts", "bot.console.plugin", "bot.catalog.facts", "bot.shopping.facts",
    "bot.consent", "bot.orders.facts",
)


@dataclass(frozen=True)
class FactRequest:
    """What a provider may look at."""

    session: Session
    rt: Runtime
    conversation: Conversation
    event: Event
    locale: str
    state: str
    slots: Mapping[str, Any]


Provider = Callable[[FactRequest], Mapping[str, Any]]
_PROVIDERS: list[Provider] = []
_loaded = False


def provider(fn: Provider) -> Provider:
    """Register a fact provider."""
    _PROVIDERS.append(fn)
    return fn


def gather(request: FactRequest) -> dict[str, Any]:
    """Every provider's facts for this turn, merged."""
    global _loaded
    if not _loaded:
        for name in PLUGINS:
            importlib.import_module(name)
        _loaded = True
    facts: dict[str, Any] = {}
    for fn in _PROVIDERS:
        facts.update(fn(request))
    return facts
