"""Shopping: until the catalog is connected, offer a person."""

from __future__ import annotations

from flows.handoff import OFFER, OFFER_HUMAN
from flows.machine import ANY, T, say
from flows.types import N_, Intent

TABLE = (
    T(ANY, Intent.BROWSE, None, OFFER_HUMAN,
      say(N_("Our catalog is not connected to this chat yet. A person can help you find "
             "what you need."), *OFFER)),
)

STATES: tuple[str, ...] = ()
