"""The pacer: hands outbox rows to the send queue at their due time, to the millisecond.

RQ schedules jobs to the whole second and its scheduler looks once a second, so a
row that must wait 40 ms for a rate limit would wait up to two seconds, and a
campaign paced at 80 messages a second would leave in lumps. Rows that wait for a
rate limit, a campaign's pace or the end of quiet hours go into one Redis sorted set
instead (member: the outbox id, score: the due time in ms), and a thread in every
worker process moves the due ones onto the outbound queue every PERIOD seconds. A
Lua script pops each due row for one pacer only.

Failure policy: losing Redis loses the set, not the rows. Their `due_at` is in the
database, and the sweeper (workers/sweeper.py) sends rows left pending past it.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from sqlalchemy import select

from bot.models import Outbox, OutboxState
from bot.runtime import OUTBOUND, Runtime
from workers.queues import enqueue_send

log = logging.getLogger(__name__)

KEY = "souk:pacer"
PERIOD = 0.05
BATCH = 500
PER_JOB = 10

_POP = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""

_lock = threading.Lock()
_running: tuple[Runtime, threading.Event] | None = None


def defer(rt: Runtime, outbox_id: int, at: datetime) -> None:
    """Send outbox row `outbox_id` at `at` (the row's due_at says the same, for the sweeper)."""
    defer_many(rt, {outbox_id: at})


def defer_many(rt: Runtime, due: dict[int, datetime]) -> None:
    """Defer several rows in one round trip, and make sure this process paces them."""
    if due:
        rt.redis.zadd(KEY, {str(oid): at.timestamp() * 1000.0 for oid, at in due.items()})
    ensure_running(rt)


def release_due(rt: Runtime, limit: int = BATCH) -> int:
    """Queue the rows whose time has come, ahead of the queue: they waited their turn.

    Rows due together go in jobs of up to PER_JOB: a job costs RQ some fifty Redis
    commands, more than sending one message does.
    """
    ids = [int(raw) for raw in rt.redis.eval(_POP, 1, KEY, time.time() * 1000.0, limit)]
    chunks = [ids[i:i + PER_JOB] for i in range(0, len(ids), PER_JOB)]
    # Each chunk goes to the front, so the latest goes first and the oldest ends up ahead.
    for chunk in reversed(chunks):
        if len(chunk) == 1:
            enqueue_send(rt, chunk[0], at_front=True)
        else:
            rt.queue(OUTBOUND).enqueue("workers.pacer.send_due", chunk, at_front=True,
                                       job_timeout=300, result_ttl=0,
                                       failure_ttl=7 * 24 * 3600)
    return len(ids)


def send_due(outbox_ids: list[int]) -> None:
    """Send rows the pacer released together, one after the other.

    Failure policy: each row is sent as `send_outbox` sends it, with its own rules,
    retries and conversation lock; a row whose sending raises is left to the
    sweeper and the others still go.
    """
    from bot import runtime
    from workers.outbox import send_conversation

    rt = runtime.get()
    with rt.db.session() as s:
        # One query finds every row's conversation, instead of one query a row.
        rows = s.execute(select(Outbox.id, Outbox.conversation_id).where(
            Outbox.id.in_(outbox_ids), Outbox.state != OutboxState.DONE.value)).all()
    conversations = dict(rows)
    for outbox_id in outbox_ids:
        if outbox_id not in conversations:
            continue  # sent, dropped or cancelled since it was deferred
        try:
            send_conversation(rt, conversations[outbox_id], outbox_id)
        except Exception:
            log.exception("send failed outbox=%s; the sweeper will retry it", outbox_id)


def pending(rt: Runtime) -> int:
    """How many rows wait in the pacer."""
    return int(rt.redis.zcard(KEY))


def _run(rt: Runtime, stop: threading.Event, period: float) -> None:
    while not stop.is_set():
        try:
            # A full batch means more are due: go again at once.
            if release_due(rt) >= BATCH:
                continue
        except Exception:
            log.exception("pacer pass failed")
        stop.wait(period)


def start(rt: Runtime, period: float = PERIOD) -> threading.Event:
    """Pace `rt`'s deferred rows from a daemon thread of this process; set the event to stop."""
    global _running
    with _lock:
        if _running is not None:
            if _running[0] is rt:
                return _running[1]
            _running[1].set()  # a new runtime (tests install one each): the old one stops
        stop = threading.Event()
        threading.Thread(target=_run, args=(rt, stop, period), name="souk-pacer",
                         daemon=True).start()
        _running = (rt, stop)
        return stop


def ensure_running(rt: Runtime) -> None:
    """Start pacing in this process if it is not pacing `rt` already."""
    current = _running
    if current is None or current[0] is not rt or current[1].is_set():
        start(rt)
