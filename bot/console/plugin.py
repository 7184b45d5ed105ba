"""What the console adds to the engine: facts about when a person answers, ratings kept.

Listed in bot/facts.py and bot/effects.py PLUGINS. The facts are looked up only on
turns that may ask for a person (ASKING): a shopper asking for one anywhere, or
answering an offer of one or the rating question. A flow of another feature that
asks in a state of its own adds that state here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from bot.console import hours, takeover
from bot.effects import EffectContext, handles
from bot.facts import FactRequest, provider
from bot.models import Conversation
from flows.agent import RATE_SERVICE, RecordRating
from flows.handoff import OFFER_HUMAN
from flows.types import Intent

# State → the intents that may lead to a request for a person there.
ASKING: dict[str, tuple[Intent, ...]] = {
    OFFER_HUMAN: (Intent.YES,),
    RATE_SERVICE: (Intent.CHOICE,),
}


@provider
def agent_availability(req: FactRequest) -> Mapping[str, Any]:
    """`agents_open`, `agent_eta_minutes`, `opens_at`, `zone` for a turn that may ask."""
    intent = req.event.intent
    if intent != Intent.HUMAN and intent not in ASKING.get(req.state, ()):
        return {}
    return hours.agent_facts(req.session, req.rt, req.locale, req.rt.now())


@handles(RecordRating)
def record_rating(s: Session, conv: Conversation, action: RecordRating,
                  ctx: EffectContext) -> None:
    """Keep the shopper's score on the takeover it rates."""
    takeover.record_rating(s, conv, action.score, now=ctx.now)
