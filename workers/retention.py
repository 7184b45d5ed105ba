"""Retention: message texts older than the shop's `retention_days` are emptied, daily.

What goes is what a shopper wrote or was sent: bodies, button payloads, media and
location details (meta), rendered replies, provider error texts. The rows stay
(times, statuses, delivery history), so counts and the merchant's books still add
up. Messages still waiting in the outbox are left alone whatever their age: a
campaign scheduled far ahead must still have its text when it goes.

The sweeper thread of every worker calls `schedule()`; a Redis key set for a day
lets one of them queue the job once a day.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from bot import runtime
from bot.models import Message, MessageStatus, Outbox, utcnow
from bot.runtime import DEFAULT, Runtime

log = logging.getLogger(__name__)

BATCH = 2000
DAY = 24 * 3600
SCHEDULE_KEY = "souk:retention:scheduled"
WAITING = (MessageStatus.PENDING.value, MessageStatus.SENDING.value)


def schedule(rt: Runtime) -> bool:
    """Queue today's purge unless a worker already did; True when this call queued it."""
    if not rt.redis.set(SCHEDULE_KEY, 1, nx=True, ex=DAY):
        return False
    rt.queue(DEFAULT).enqueue("workers.retention.purge_expired_messages", result_ttl=0,
                              failure_ttl=7 * DAY, job_timeout=3600)
    return True


def purge_expired_messages(now: datetime | None = None) -> int:
    """Empty messages older than the retention period; return how many were emptied.

    Failure policy: works in batches of BATCH rows, each its own transaction, so a
    crash keeps what was done and the next day's run (or an RQ retry) finishes.
    """
    rt = runtime.get()
    cutoff = (now or utcnow()) - timedelta(days=rt.shop.retention_days)
    holding = or_(Message.body.is_not(None), Message.payload.is_not(None),
                  Message.meta.is_not(None), Message.content.is_not(None),
                  Message.parts.is_not(None), Message.error_message.is_not(None))
    total = 0
    while True:
        with rt.db.session() as s:
            ids = list(s.scalars(
                select(Message.id)
                .where(Message.created_at < cutoff, Message.status.not_in(WAITING), holding)
                .order_by(Message.id)
                .limit(BATCH)
            ))
            if not ids:
                break
            s.execute(update(Message).where(Message.id.in_(ids)).values(
                body=None, payload=None, meta=None, content=None, parts=None,
                error_message=None))
            s.execute(update(Outbox).where(Outbox.message_id.in_(ids)).values(last_error=None))
            total += len(ids)
    log.info("retention purged messages=%d older_than_days=%d", total, rt.shop.retention_days)
    return total
