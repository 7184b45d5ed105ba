"""RQ jobs: process a conversation's inbound messages, send its outbox rows.

Jobs take ids, never objects, and find the database, Redis and channels through
`bot.runtime.get()`. Sending lives in `workers.outbox`; its job is queued by this
module's name (`workers.jobs.send_outbox`), which queued jobs keep.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from redis.exceptions import LockError
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bot import effects, engine, facts, language, runtime
from bot.models import (
    Conversation,
    Direction,
    Message,
    MessageStatus,
    Outbox,
    utcnow,
)
from bot.runtime import Runtime
from channels.base import Address, Outgoing
from flows.types import Event
from workers import throttle
from workers.outbox import send_outbox
from workers.queues import enqueue_process, enqueue_send

__all__ = ["add_reply", "process_conversation", "process_next", "send_outbox"]

log = logging.getLogger(__name__)

# How long a job waits for a conversation another worker holds before handing off.
LOCK_WAIT = 20


def process_conversation(conversation_id: int) -> None:
    """Drain a conversation's unprocessed inbound messages, oldest first.

    Failure policy: one worker at a time holds the conversation's lock, so two
    workers never reorder a shopper. If the lock stays busy the job re-queues
    itself. A message whose handling raises is marked processed with an apology
    sent, so one bad message never blocks the ones behind it. A crash mid-way
    leaves unprocessed messages for the next job or the sweeper. A shopper over
    their rate limit (workers/throttle.py) waits: the job stops and a later one
    takes over.
    """
    rt = runtime.get()
    lock = rt.redis.lock(
        f"souk:lock:conv:{conversation_id}", timeout=rt.settings.lock_seconds,
        blocking_timeout=LOCK_WAIT,
    )
    if not lock.acquire():
        enqueue_process(rt, conversation_id)
        return
    try:
        while True:
            try:
                outbox_ids = process_next(rt, conversation_id)
            except throttle.Deferred as wait:
                throttle.defer(rt, conversation_id, wait.retry_after)
                return
            if outbox_ids is None:
                return
            for outbox_id in outbox_ids:
                enqueue_send(rt, outbox_id)
            lock.reacquire()
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("conversation lock expired while processing conversation=%s",
                        conversation_id)


def add_reply(
    s: Session, rt: Runtime, conv: Conversation, reply: Outgoing, *, author: str = "bot",
    requested: bool = True, topic: str | None = None, created_at: datetime | None = None,
) -> Outbox:
    """Write an outbound message and its outbox row (the caller's transaction commits them)."""
    address = Address.parse(conv.address)
    channel = rt.channel(address.channel)
    parts = channel.render(reply) if channel is not None else [reply.to_json()]
    message = Message(
        conversation_id=conv.id,
        direction=Direction.OUT.value,
        channel=address.channel,
        author=author,
        body=reply.text,
        content=reply.to_json(),
        parts=parts,
        requested=requested,
        topic=topic,
        status=MessageStatus.PENDING.value,
        created_at=created_at or utcnow(),
    )
    s.add(message)
    s.flush()
    row = Outbox(message_id=message.id, conversation_id=conv.id)
    s.add(row)
    s.flush()
    return row


def process_next(rt: Runtime, conversation_id: int) -> list[int] | None:
    """Handle the oldest unprocessed inbound message; None when there is none."""
    with rt.db.session() as s:
        msg = s.scalar(
            select(Message)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == Direction.IN.value,
                Message.processed_at.is_(None),
            )
            .order_by(Message.id)
            .limit(1)
        )
        if msg is None:
            return None
        throttle.admit(rt, s, conversation_id)
        conv = s.get(Conversation, conversation_id)
        assert conv is not None
        address = Address.parse(conv.address)
        hot = rt.state.load(conversation_id)
        meta = msg.meta or {}
        country = language.country_of(address.phone) if address.phone else None

        def load_facts(event: Event, locale: str, state: str) -> dict[str, Any]:
            return facts.gather(facts.FactRequest(s, rt, conv, event, locale, state, hot.slots))

        try:
            # A savepoint: a turn that breaks leaves no half-done effects behind.
            with s.begin_nested():
                turn = engine.handle(
                    rt.shop,
                    hot,
                    engine.Conversation(
                        channel=address.style,
                        status=conv.status,
                        locale=conv.locale,
                        phone=address.phone,
                        language_hint=meta.get("language_hint"),
                        customer_name=conv.customer.name,
                        country=conv.customer.country or country,
                        locale_chosen=conv.customer.locale_chosen_at is not None,
                    ),
                    engine.Incoming(msg.body or "", msg.payload, msg.kind),
                    load_facts,
                )
                conv.locale = turn.locale
                if conv.customer.locale != turn.locale:
                    conv.customer.locale = turn.locale
                if conv.customer.country is None and country:
                    conv.customer.country = country
                ctx = effects.EffectContext(rt, utcnow(), turn.locale, proof=msg.provider_id)
                replies = list(turn.replies)
                for action in turn.effects:
                    replies += effects.perform(s, conv, action, ctx)
                rows = [add_reply(s, rt, conv, reply) for reply in replies]
        except (OperationalError, InterfaceError):
            raise  # the database is unwell, not the message: RQ retries the job
        except Exception:
            # Retrying would fail the same way and hold up every later message of this
            # shopper, so the message is done with: the shopper gets an apology.
            log.exception("turn failed conversation=%s message=%s", conversation_id, msg.id)
            msg.processed_at = utcnow()
            msg.status = MessageStatus.PROCESSED.value
            row = add_reply(s, rt, conv, engine.apology(conv.locale or rt.shop.default_locale))
            return [row.id]
        msg.processed_at = utcnow()
        msg.status = MessageStatus.PROCESSED.value
        log.info(
            "processed conversation=%s channel=%s address=%s intent=%s state=%s->%s "
            "locale=%s(%s) replies=%d",
            conversation_id, address.channel, address.masked(), turn.event.intent.value,
            hot.state, turn.state.state, turn.locale, turn.locale_reason, len(rows),
        )
        ids = [r.id for r in rows]
    # Saved after the commit: a crash in between costs the shopper their place in
    # the flow, never a message (DESIGN.md, "Conversation state").
    rt.state.save(conversation_id, turn.state)
    for job in ctx.after_commit:
        job()
    ack_button(rt, address, meta)
    return ids


def ack_button(rt: Runtime, address: Address, meta: dict[str, object]) -> None:
    """Answer a Telegram callback query so the shopper's button stops spinning."""
    callback = meta.get("callback_query_id")
    channel = rt.channel(address.channel)
    if not callback or channel is None or not hasattr(channel, "ack_part"):
        return
    try:
        channel.send(address, {"method": "answerCallbackQuery", "callback_query_id": callback})
    except Exception:  # best effort: the reply itself matters more than the spinner
        log.info("callback query not answered address=%s", address.masked(), exc_info=True)


