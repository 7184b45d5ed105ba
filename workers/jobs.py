"""RQ jobs: process a conversation's inbound messages, send its outbox rows.

Jobs take ids, never objects, and find the database, Redis and channels through
`bot.runtime.get()`.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from redis.exceptions import LockError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, contains_eager

from bot import effects, engine, facts, language, runtime, sendrate
from bot.models import (
    ConsentEvent,
    Conversation,
    DeliveryEvent,
    Direction,
    Message,
    MessageStatus,
    Outbox,
    OutboxState,
    utcnow,
)
from bot.rules import prepare
from bot.runtime import Runtime
from channels.base import Address, Outgoing
from flows.types import Event
from workers import pacer
from workers.queues import enqueue_process, enqueue_send

log = logging.getLogger(__name__)

LOCK_SECONDS = 60
MAX_ATTEMPTS = 8
BACKOFF_CAP = 600.0


def process_conversation(conversation_id: int) -> None:
    """Drain a conversation's unprocessed inbound messages, oldest first.

    Failure policy: one worker at a time holds the conversation's lock, so two
    workers never reorder a shopper. If the lock stays busy the job re-queues
    itself. A message whose handling raises is marked processed with an apology
    sent, so one bad message never blocks the ones behind it. A crash mid-way
    leaves unprocessed messages for the next job or the sweeper.
    """
    rt = runtime.get()
    lock = rt.redis.lock(
        f"souk:lock:conv:{conversation_id}", timeout=LOCK_SECONDS, blocking_timeout=20
    )
    if not lock.acquire():
        enqueue_process(rt, conversation_id)
        return
    try:
        while True:
            outbox_ids = process_next(rt, conversation_id)
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
        conv = s.get(Conversation, conversation_id)
        assert conv is not None
        address = Address.parse(conv.address)
        hot = rt.state.load(conversation_id)
        meta = msg.meta or {}
        country = language.country_of(address.phone) if address.phone else None

        def load_facts(event: Event, locale: str, state: str) -> dict[str, Any]:
            return facts.gather(facts.FactRequest(s, rt, conv, event, locale, state, hot.slots))

        try:
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
                ),
                engine.Incoming(msg.body or "", msg.payload, msg.kind),
                load_facts,
            )
        except Exception:
            log.exception("engine failed conversation=%s message=%s", conversation_id, msg.id)
            msg.processed_at = utcnow()
            msg.status = MessageStatus.PROCESSED.value
            row = add_reply(s, rt, conv, engine.apology(conv.locale or rt.shop.default_locale))
            return [row.id]
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


def send_outbox(outbox_id: int) -> None:
    """Send an outbox row and every earlier pending row of its conversation, in order.

    Failure policy: rules are checked at send time (bot/rules.py): a blocked message
    is dropped with its reason, one held for quiet hours waits without holding up
    the conversation's later messages. A rate limit (bot/sendrate.py) makes a row
    wait its turn, in order, without counting an attempt. Transient provider errors
    (5xx, 429, timeouts) are retried with exponential backoff and jitter, never sooner
    than the provider's retry-after, up to MAX_ATTEMPTS; the conversation's later
    messages wait behind it so the shopper reads them in order. Permanent errors are
    recorded on the message and not retried. A worker killed mid-send leaves the row
    `sending` until its lock expires; the sweeper then hands it to another worker.
    """
    rt = runtime.get()
    with rt.db.session() as s:
        row = s.get(Outbox, outbox_id)
        if row is None or row.state == OutboxState.DONE.value:
            return
        conversation_id = row.conversation_id
    send_conversation(rt, conversation_id, outbox_id)


def send_conversation(rt: Runtime, conversation_id: int, outbox_id: int) -> None:
    """Drain a conversation's outbox under its send lock (send_outbox's failure policy)."""
    lock = rt.redis.lock(
        f"souk:lock:send:{conversation_id}", timeout=LOCK_SECONDS, blocking_timeout=20
    )
    if not lock.acquire():
        enqueue_send(rt, outbox_id, utcnow() + timedelta(seconds=1))
        return
    try:
        drain(rt, conversation_id, lock)
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("send lock expired conversation=%s", conversation_id)


def drain(rt: Runtime, conversation_id: int, lock: object) -> None:
    """Send the conversation's due outbox rows in order; stop at one that must wait."""
    while True:
        now = utcnow()
        with rt.db.session() as s:
            rows = s.scalars(
                select(Outbox)
                .join(Outbox.message)
                # What the rules read, in this one query.
                .options(contains_eager(Outbox.message).joinedload(Message.conversation)
                         .joinedload(Conversation.customer))
                .where(
                    Outbox.conversation_id == conversation_id,
                    Outbox.state != OutboxState.DONE.value,
                    # A row held for later (quiet hours, a campaign's pace) lets later ones by.
                    or_(Outbox.due_at <= now, Message.status != MessageStatus.SCHEDULED.value),
                )
                .order_by(Outbox.id)
                .limit(2)
            ).unique().all()
            if not rows:
                return
            row, last = rows[0], len(rows) == 1
            if row.due_at > now:
                pacer.defer(rt, row.id, row.due_at)
                return
            message, conv = row.message, row.message.conversation
            verdict = prepare(s, rt, message, conv, now)
            if verdict.hold_until is not None:
                row.due_at = verdict.hold_until
                message.status = MessageStatus.SCHEDULED.value
                message.error_message = verdict.reason
                pacer.defer(rt, row.id, row.due_at)
                continue
            if not verdict.ok:
                message.status = MessageStatus.DROPPED.value
                message.error_code = verdict.code
                message.error_message = verdict.reason
                row.state = OutboxState.DONE.value
                log.info("dropped message=%s conversation=%s reason=%s", message.id,
                         conversation_id, verdict.code)
                continue
            message.error_code = message.error_message = None
            row.state = OutboxState.SENDING.value
            row.locked_until = now + timedelta(seconds=LOCK_SECONDS)
            row.attempts += 1
            message.status = MessageStatus.SENDING.value
            row_id, message_id = row.id, message.id
            parts, start, attempts = list(message.parts or []), row.parts_sent, row.attempts
            address = Address.parse(conv.address)
        if not send_parts(rt, address, row_id, message_id, parts, start, attempts) or last:
            # Rows written after the query have send jobs of their own.
            return
        lock.reacquire()  # type: ignore[attr-defined]


def send_parts(rt: Runtime, address: Address, row_id: int, message_id: int,
               parts: list[dict[str, object]], start: int, attempts: int) -> bool:
    """Send the parts not sent yet; False when the conversation must wait for a retry."""
    from bot.errors import PermanentError, RetryableError

    channel = rt.channel(address.channel)
    try:
        if channel is None:
            raise PermanentError(f"channel {address.channel} is not configured",
                                 code="not_configured")
        for index in range(start, len(parts)):
            slot = sendrate.acquire(rt, address, parts[index])
            if slot.wait:
                postpone(rt, row_id, message_id, slot.wait)
                return False
            try:
                result = channel.send(address, parts[index])
            finally:
                sendrate.settle(rt, slot)
            with rt.db.session() as s:
                done = index + 1 == len(parts)
                s.execute(update(Outbox).where(Outbox.id == row_id).values(
                    parts_sent=index + 1,
                    **({"state": OutboxState.DONE.value, "last_error": None} if done else {})))
                message = s.get(Message, message_id)
                assert message is not None
                ids = list((message.meta or {}).get("provider_ids", []))
                ids.append(result.provider_id)
                message.meta = {**(message.meta or {}), "provider_ids": ids}
                if message.provider_id is None:
                    message.provider_id = result.provider_id
                message.status = result.status
                message.sent_at = message.status_at = utcnow()
        if not parts:
            finish(rt, row_id, message_id, MessageStatus.SENT.value, None, None)
        log.info("sent message=%s address=%s parts=%d", message_id, address.masked(), len(parts))
        return True
    except RetryableError as exc:
        if attempts >= MAX_ATTEMPTS:
            finish(rt, row_id, message_id, MessageStatus.FAILED.value, exc.code,
                   f"gave up after {attempts} attempts: {exc}")
            return True
        delay = min(BACKOFF_CAP, 2.0 ** attempts) * random.uniform(0.5, 1.5)
        delay = max(delay, exc.retry_after or 0.0)
        due = utcnow() + timedelta(seconds=delay)
        with rt.db.session() as s:
            row, message = s.get(Outbox, row_id), s.get(Message, message_id)
            assert row is not None and message is not None
            row.state = OutboxState.PENDING.value
            row.due_at = due
            row.locked_until = None
            row.last_error = str(exc)[:500]
            message.status = MessageStatus.PENDING.value
        log.warning("retry message=%s address=%s attempt=%d in=%.1fs error=%s", message_id,
                    address.masked(), attempts, delay, exc)
        enqueue_send(rt, row_id, due)
        return False
    except PermanentError as exc:
        finish(rt, row_id, message_id, MessageStatus.FAILED.value, exc.code, str(exc))
        log.warning("failed message=%s address=%s code=%s", message_id, address.masked(),
                    exc.code)
        if exc.code == "21610":
            record_carrier_opt_out(rt, message_id)
        return True


def postpone(rt: Runtime, row_id: int, message_id: int, seconds: float) -> None:
    """A rate limit says not yet: try again then, in order, without counting an attempt."""
    # A little jitter keeps rows that met the same full window from all returning at once.
    due = utcnow() + timedelta(seconds=seconds + random.uniform(0, min(0.05, seconds / 10)))
    with rt.db.session() as s:
        row, message = s.get(Outbox, row_id), s.get(Message, message_id)
        assert row is not None and message is not None
        row.state = OutboxState.PENDING.value
        row.due_at = due
        row.locked_until = None
        row.attempts -= 1
        message.status = MessageStatus.PENDING.value
    pacer.defer(rt, row_id, due)


def finish(rt: Runtime, row_id: int, message_id: int, status: str, code: str | None,
           error: str | None) -> None:
    with rt.db.session() as s:
        row, message = s.get(Outbox, row_id), s.get(Message, message_id)
        assert row is not None and message is not None
        row.state = OutboxState.DONE.value
        row.last_error = error[:500] if error else None
        message.status = status
        message.error_code = code
        message.error_message = error[:500] if error else None
        message.status_at = utcnow()
        s.add(DeliveryEvent(message_id=message_id, status=status, error_code=code))


def record_carrier_opt_out(rt: Runtime, message_id: int) -> None:
    """Twilio 21610: the shopper opted out at the carrier. Stop sending to them."""
    with rt.db.session() as s:
        message = s.get(Message, message_id)
        assert message is not None
        conv = message.conversation
        s.add(ConsentEvent(customer_id=conv.customer_id, topic="all", granted=False,
                           channel=conv.channel, source="carrier", proof="21610"))
