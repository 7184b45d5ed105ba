"""The sweeper: re-enqueues work a lost job left behind (DESIGN.md rule 3).

A job can vanish: a worker killed with SIGKILL, Redis restarted with jobs queued.
The database still knows: inbound messages not processed, outbox rows pending
past their time or `sending` past their lock. Every worker process runs the
sweeper; a Redis lock lets one sweep at a time. The sweeper also queues the daily
retention job (workers/retention.py).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from bot.models import Direction, Message, Outbox, OutboxState, utcnow
from bot.runtime import Runtime
from workers import retention
from workers.queues import enqueue_process, enqueue_send

log = logging.getLogger(__name__)


def sweep(rt: Runtime, grace: timedelta | None = None) -> tuple[int, int]:
    """Re-enqueue stale inbound messages and outbox rows; return how many of each.

    Work younger than `grace` (SOUK_SWEEP_GRACE) is probably still in a queue and is
    left to its job.
    """
    if grace is None:
        grace = timedelta(seconds=rt.settings.sweep_grace)
    now = utcnow()
    with rt.db.session() as s:
        conversations = s.scalars(
            select(Message.conversation_id)
            .where(
                Message.direction == Direction.IN.value,
                Message.processed_at.is_(None),
                Message.created_at < now - grace,
            )
            .distinct()
        ).all()
        # One send job per conversation is enough: it drains the conversation in order.
        rows = s.scalars(
            select(func.min(Outbox.id))
            .where(
                or_(
                    and_(Outbox.state == OutboxState.PENDING.value, Outbox.due_at < now - grace),
                    and_(Outbox.state == OutboxState.SENDING.value, Outbox.locked_until < now),
                )
            )
            .group_by(Outbox.conversation_id)
            .limit(5000)
        ).all()
    for conversation_id in conversations:
        enqueue_process(rt, conversation_id)
    for row_id in rows:
        enqueue_send(rt, row_id)
    if conversations or rows:
        log.info("sweeper re-enqueued conversations=%d outbox=%d", len(conversations), len(rows))
    return len(conversations), len(rows)


def run_forever(rt: Runtime, stop: threading.Event, interval: float | None = None) -> None:
    """Sweep every `interval` (SOUK_SWEEP_INTERVAL) seconds until `stop` is set.

    The lock is left to expire rather than released, so however many workers run,
    one of them sweeps per interval.
    """
    interval = interval or rt.settings.sweep_interval
    while not stop.wait(interval):
        lock = rt.redis.lock("souk:lock:sweeper", timeout=max(0.2, interval * 0.9),
                             blocking_timeout=0)
        try:
            if lock.acquire():
                sweep(rt)
                retention.schedule(rt)
        except Exception:
            log.exception("sweep failed")


def start(rt: Runtime, interval: float | None = None) -> threading.Event:
    """Run the sweeper in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(rt, stop, interval), name="souk-sweeper",
                     daemon=True).start()
    return stop
