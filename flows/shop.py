"""Order tracking: until orders are connected, offer a person."""

from __future__ import annotations

from flows.handoff import OFFER, OFFER_HUMAN
from flows.machine import ANY, T, say
from flows.types import N_, Intent

TABLE = (
    T(ANY, Intent.TRACK, None, OFFER_HUMAN,
      say(N_("Order tracking is not connected to this chat yet. A person can look up your "
             "order for you."), *OFFER)),
)

STATES: tuple[str, ...] = ()
