"""Sending the outbox: each conversation's rows in order, through its channel, once.

The send job takes an outbox row's id and drains that row's conversation: rows go out
oldest first, one worker per conversation (a Redis lock), and a row waiting for a
retry holds back the rows behind it so a shopper reads replies in order.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from redis.exceptions import LockError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager

from bot import audit, consent, runtime, sendrate
from bot.console import live
from bot.errors import PermanentError, ProviderError, RetryableError
from bot.models import (
    DELIVERY_RANK,
    Conversation,
    DeliveryEvent,
    Message,
    MessageStatus,
    Outbox,
    OutboxState,
    utcnow,
)
from bot.rules import prepare
from bot.runtime import Runtime
from channels.base import Address
from workers import pacer
from workers.queues import enqueue_send

log = logging.getLogger(__name__)

# Provider retries: 0.5-1.5 s, then doubling up to the cap, about half an hour in all.
MAX_ATTEMPTS = 12
BACKOFF_CAP = 600.0
# How long a job waits for a conversation another worker holds before handing off.
LOCK_WAIT = 20


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
        f"souk:lock:send:{conversation_id}", timeout=rt.settings.lock_seconds,
        blocking_timeout=LOCK_WAIT,
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
            if row.attempts >= MAX_ATTEMPTS:
                # Workers died sending this row again and again: stop feeding it to them.
                message.status = MessageStatus.FAILED.value
                message.error_message = f"gave up after {row.attempts} attempts"
                row.state = OutboxState.DONE.value
                log.warning("gave up message=%s conversation=%s attempts=%d", message.id,
                            conversation_id, row.attempts)
                continue
            message.error_code = message.error_message = None
            row.state = OutboxState.SENDING.value
            row.locked_until = now + timedelta(seconds=rt.settings.lock_seconds)
            row.attempts += 1
            message.status = MessageStatus.SENDING.value
            row_id, message_id = row.id, message.id
            parts, start, attempts = list(message.parts or []), row.parts_sent, row.attempts
            address = Address.parse(conv.address)
        sent = send_parts(rt, address, row_id, message_id, parts, start, attempts)
        if sent:
            live.publish(rt, "message", conversation_id)
        if not sent or last:
            # Rows written after the query have send jobs of their own.
            return
        lock.reacquire()  # type: ignore[attr-defined]


def send_parts(rt: Runtime, address: Address, row_id: int, message_id: int,
               parts: list[dict[str, object]], start: int, attempts: int) -> bool:
    """Send the parts not sent yet; False when the conversation must wait for a retry."""
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
            except ProviderError:
                raise
            except Exception as exc:
                # An adapter's own bug or an unmapped network error: retried like a
                # transient failure, so it gives up after MAX_ATTEMPTS instead of looping.
                log.exception("send raised message=%s address=%s", message_id, address.masked())
                raise RetryableError(f"unexpected {type(exc).__name__}",
                                     code="unexpected") from exc
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
                # A status callback for an earlier part may already have said more.
                if DELIVERY_RANK.get(result.status, 0) >= DELIVERY_RANK.get(message.status, 0):
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
        delay = min(BACKOFF_CAP, 2.0 ** (attempts - 1)) * random.uniform(0.5, 1.5)
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
    """Twilio 21610: the shopper opted out at the carrier. Stop sending to them.

    A shopper whose own STOP already stands is not recorded twice: the carrier's
    refusal of our confirmation says nothing new.
    """
    with rt.db.session() as s:
        message = s.get(Message, message_id)
        assert message is not None
        conv = message.conversation
        if consent.stopped(s, conv.customer_id):
            return
        consent.record(s, conv.customer_id, "all", False, source="carrier",
                       channel=conv.channel, proof=f"twilio 21610, message {message_id}")
        audit.record(s, "system", "consent.opt_out", f"customer:{conv.customer_id}",
                     detail={"topic": "all", "source": "carrier", "code": "21610"})
