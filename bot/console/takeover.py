"""People in the loop: asking for a person, assigning, taking over, giving back.

    bot ──request_agent──► waiting ──take_over──► agent ──give_back──► bot
     ▲                       │                      (hand back, or resolve and
     └────cancel_request─────┘                       maybe ask for a rating)

`request_agent(session, conversation, reason)` is for any feature that decides a
shopper needs a person (the flows' RequestAgent, a payment failing twice, a low
feedback score): call it inside your transaction. It is idempotent while the
conversation waits or is held. A waiting conversation goes round-robin to an agent
who is online and available (the one assigned longest ago), or waits unassigned
until one signs in; any agent may pick any waiting conversation.

While a person holds a conversation the engine keeps the bot silent but for
STOP/START/HELP (bot/engine.py). Giving it back runs an AGENT_DONE event through
the engine under the conversation's lock, so the bot's next words (back at the
menu, or a rating question) come from the flows (flows/agent.py) in the shopper's
language, in order with anything the shopper sends meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import LockError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import effects, engine, facts, language, runtime
from bot.console import live
from bot.console.hours import available_online
from bot.errors import InputError
from bot.models import (
    Agent,
    AuditEntry,
    Conversation,
    ConversationStatus,
    Handoff,
    HandoffOutcome,
    utcnow,
)
from bot.runtime import Runtime
from channels.base import Address
from flows.types import Event, Intent
from workers.jobs import add_reply
from workers.queues import enqueue_send

log = logging.getLogger(__name__)

BOT = ConversationStatus.BOT.value
WAITING = ConversationStatus.WAITING.value
AGENT = ConversationStatus.AGENT.value
RATING_WINDOW = timedelta(days=7)  # a score this long after resolving still counts
LOCK_WAIT = 10  # seconds a console request waits for a worker processing the conversation


class Conflict(InputError):
    """The conversation is not in a state that allows this: someone else holds it, say."""


def open_handoff(s: Session, conversation_id: int) -> Handoff | None:
    """The conversation's current takeover episode, if one is open."""
    return s.scalar(select(Handoff).where(Handoff.conversation_id == conversation_id,
                                          Handoff.ended_at.is_(None))
                    .order_by(Handoff.id.desc()).limit(1))


def audit(s: Session, agent: Agent, action: str, conversation_id: int,
          ip: str | None = None, **detail: object) -> None:
    """Write who did what to which conversation into the audit log."""
    s.add(AuditEntry(actor=f"agent:{agent.id}", action=action,
                     target=f"conversation:{conversation_id}", ip=ip, detail=detail or None))


def pick_agent(s: Session, rt: Runtime) -> Agent | None:
    """The next agent in the round: online, available, assigned longest ago (or never)."""
    ids = available_online(s, rt)
    if not ids:
        return None
    return s.scalar(select(Agent).where(Agent.id.in_(ids))
                    .order_by(Agent.last_assigned_at.asc().nulls_first(), Agent.id).limit(1))


def _assign(conv: Conversation, handoff: Handoff, agent: Agent, now: datetime) -> None:
    conv.assigned_agent_id = handoff.assigned_agent_id = agent.id
    agent.last_assigned_at = now


def request_agent(s: Session, conversation: Conversation, reason: str, *,
                  now: datetime | None = None) -> Handoff:
    """Queue the conversation for a person (idempotent); the open takeover episode."""
    now = now or utcnow()
    rt = runtime.get()
    current = open_handoff(s, conversation.id)
    if conversation.status != BOT and current is not None:
        return current
    if conversation.status == BOT:
        conversation.status = WAITING
        conversation.waiting_since = now
    handoff = current or Handoff(conversation_id=conversation.id, reason=reason[:32],
                                 requested_at=now)
    s.add(handoff)
    agent = pick_agent(s, rt) if conversation.status == WAITING else None
    if agent is not None:
        _assign(conversation, handoff, agent, now)
    s.flush()
    live.publish_after_commit(s, rt, "status", conversation.id)
    log.info("agent requested conversation=%s reason=%s assigned=%s", conversation.id,
             reason, agent.id if agent else None)
    return handoff


def cancel_request(s: Session, conversation: Conversation, *,
                   now: datetime | None = None) -> None:
    """The shopper stopped waiting before anyone took the conversation."""
    if conversation.status != WAITING:
        return
    conversation.status = BOT
    conversation.waiting_since = None
    conversation.assigned_agent_id = None
    handoff = open_handoff(s, conversation.id)
    if handoff is not None:
        handoff.ended_at = now or utcnow()
        handoff.outcome = HandoffOutcome.CANCELLED.value
    live.publish_after_commit(s, runtime.get(), "status", conversation.id)


def assign_waiting(s: Session, rt: Runtime, *, now: datetime | None = None) -> int:
    """Give unassigned waiting conversations, oldest first, to agents in turn; how many."""
    now = now or utcnow()
    waiting = s.scalars(select(Conversation)
                        .where(Conversation.status == WAITING,
                               Conversation.assigned_agent_id.is_(None))
                        .order_by(Conversation.waiting_since, Conversation.id).limit(50)).all()
    done = 0
    for conv in waiting:
        agent = pick_agent(s, rt)
        if agent is None:
            break
        handoff = open_handoff(s, conv.id) or Handoff(conversation_id=conv.id, reason="asked",
                                                      requested_at=conv.waiting_since or now)
        s.add(handoff)
        _assign(conv, handoff, agent, now)
        s.flush()
        live.publish_after_commit(s, rt, "status", conv.id)
        done += 1
    return done


def take_over(s: Session, conversation: Conversation, agent: Agent, *, ip: str | None = None,
              now: datetime | None = None) -> Handoff:
    """The agent holds the conversation from now on; the bot falls silent in it."""
    now = now or utcnow()
    holder = conversation.assigned_agent_id
    handoff = open_handoff(s, conversation.id)
    if conversation.status == AGENT and handoff is not None:
        if holder == agent.id:
            return handoff
        raise Conflict("Another agent is answering this conversation.")
    handoff = handoff or Handoff(conversation_id=conversation.id, reason="agent",
                                 requested_at=now)
    s.add(handoff)
    conversation.status = AGENT
    conversation.assigned_agent_id = handoff.assigned_agent_id = agent.id
    conversation.waiting_since = None
    handoff.taken_at, handoff.taken_by_id = now, agent.id
    audit(s, agent, "takeover", conversation.id, ip, reason=handoff.reason)
    s.flush()
    live.publish_after_commit(s, runtime.get(), "status", conversation.id)
    return handoff


@dataclass(frozen=True, slots=True)
class GiveBack:
    """How the agent gives a conversation back: resolved or not, a rating asked or not."""

    resolved: bool = False
    ask_rating: bool = False


def give_back(rt: Runtime, conversation_id: int, agent: Agent, how: GiveBack, *,
              ip: str | None = None) -> None:
    """Hand back or resolve: the bot has the conversation again and tells the shopper so."""
    # The worker's lock on the conversation: giving back never interleaves with the
    # processing of a shopper's message.
    lock = rt.redis.lock(f"souk:lock:conv:{conversation_id}", timeout=rt.settings.lock_seconds,
                         blocking_timeout=LOCK_WAIT)
    if not lock.acquire():
        raise Conflict("The conversation is busy right now; try again in a moment.")
    try:
        with rt.db.session() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None or conv.status != AGENT:
                raise Conflict("Nobody holds this conversation: there is nothing to give back.")
            if conv.assigned_agent_id != agent.id and agent.role != "admin":
                raise Conflict("Another agent is answering this conversation.")
            now = utcnow()
            conv.status = BOT
            conv.assigned_agent_id = None
            handoff = open_handoff(s, conv.id)
            outcome = HandoffOutcome.RESOLVED if how.resolved else HandoffOutcome.HANDED_BACK
            if handoff is not None:
                handoff.ended_at, handoff.outcome = now, outcome.value
            audit(s, agent, outcome.value, conv.id, ip, rating_asked=how.ask_rating)
            turn, ctx, row_ids = _resume_bot(s, rt, conv, how.resolved and how.ask_rating)
            live.publish_after_commit(s, rt, "status", conv.id)
        # As in the worker: saved after the commit, so a crash between costs a place
        # in the flow, never a message.
        rt.state.save(conversation_id, turn.state)
        for job in ctx.after_commit:
            job()
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("conversation lock expired while giving it back conversation=%s",
                        conversation_id)
    for row_id in row_ids:
        enqueue_send(rt, row_id)


def _resume_bot(s: Session, rt: Runtime, conv: Conversation, rating: bool,
                ) -> tuple[engine.Turn, effects.EffectContext, list[int]]:
    """Run AGENT_DONE through the engine; write its replies to the outbox."""
    address = Address.parse(conv.address)
    hot = rt.state.load(conv.id)
    country = language.country_of(address.phone) if address.phone else None
    event = Event(Intent.AGENT_DONE, entities={"rating": rating})

    def load_facts(ev: Event, locale: str, state: str) -> dict[str, object]:
        return facts.gather(facts.FactRequest(s, rt, conv, ev, locale, state, hot.slots))

    turn = engine.handle(
        rt.shop, hot,
        engine.Conversation(channel=address.style, status=BOT, locale=conv.locale,
                            phone=address.phone, customer_name=conv.customer.name,
                            country=conv.customer.country or country),
        engine.Incoming("", kind="event", event=event), load_facts)
    ctx = effects.EffectContext(rt, utcnow(), turn.locale)
    replies = list(turn.replies)
    for action in turn.effects:
        replies += effects.perform(s, conv, action, ctx)
    # The shopper did not ask for these words: a STOP, or a closed WhatsApp window,
    # stops them at send time like any message pushed to a shopper.
    rows = [add_reply(s, rt, conv, reply, requested=False) for reply in replies]
    return turn, ctx, [row.id for row in rows]


def record_rating(s: Session, conversation: Conversation, score: int, *,
                  now: datetime | None = None) -> bool:
    """Keep the shopper's score on their last resolved, unrated takeover; False if none."""
    now = now or utcnow()
    handoff = s.scalar(select(Handoff).where(
        Handoff.conversation_id == conversation.id,
        Handoff.outcome == HandoffOutcome.RESOLVED.value,
        Handoff.rating.is_(None),
        Handoff.ended_at > now - RATING_WINDOW,
    ).order_by(Handoff.id.desc()).limit(1))
    if handoff is None:
        return False
    handoff.rating, handoff.rated_at = score, now
    return True
