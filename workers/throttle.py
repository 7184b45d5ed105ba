"""Per-shopper rate limit: a shopper flooding the shop is slowed down, never dropped.

Every message is stored when it arrives (acknowledged means stored); only its
processing waits. Before handling each message the process job asks
`admit()`; over the limit it raises `Deferred`, the job stops, and `defer()`
queues one process job for when the shopper is under the limit again. The shopper
gets one "slow down" notice a flood, and none while they have stopped us.

A STOP waiting behind the flood is not slowed: the messages before it are handled
at once, and the replies they produce are dropped at send time because the STOP,
recorded after them, wins (bot/rules.py).

Counts live in Redis (bot/ratelimit.py) under the conversation's id, never the
phone number, so every worker sees the same count and erasure has nothing to find.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent, i18n, keywords, ratelimit
from bot.models import Conversation, Direction, Message, utcnow
from bot.runtime import Runtime
from channels.base import Outgoing
from workers.queues import enqueue_process, enqueue_send

log = logging.getLogger(__name__)

SLOW_DOWN = i18n.N_("You're sending messages faster than I can read them. I'll answer "
                    "each one in order in a moment.")


class Deferred(Exception):
    """The shopper is over their limit: try the conversation again in `retry_after` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"over the shopper rate limit, retry in {retry_after:.1f}s")
        self.retry_after = retry_after


def key(conversation_id: int) -> str:
    """The Redis key counting a conversation's messages."""
    return f"souk:rl:shopper:{conversation_id}"


def keys(conversation_id: int) -> tuple[str, ...]:
    """Every Redis key this module keeps for a conversation (for erasure)."""
    return (key(conversation_id), f"souk:rl:notice:{conversation_id}",
            f"souk:rl:wake:{conversation_id}")


# How far behind the flood a STOP is looked for.
STOP_LOOKAHEAD = 500


def admit(rt: Runtime, s: Session, conversation_id: int) -> None:
    """Count one message; raise Deferred when the shopper is over the limit."""
    limit, per = rt.settings.shopper_rate_limit
    allowed, retry_after = ratelimit.allow(rt.redis, key(conversation_id), limit, per)
    if not allowed and not _stop_pending(s, conversation_id):
        raise Deferred(retry_after)


def _stop_pending(s: Session, conversation_id: int) -> bool:
    """Whether a STOP keyword waits among the conversation's unprocessed messages."""
    bodies = s.scalars(
        select(Message.body)
        .where(Message.conversation_id == conversation_id,
               Message.direction == Direction.IN.value, Message.processed_at.is_(None))
        .order_by(Message.id)
        .limit(STOP_LOOKAHEAD)
    )
    return any(keywords.is_stop(body or "") for body in bodies)


def defer(rt: Runtime, conversation_id: int, retry_after: float) -> None:
    """Wake the conversation when it is under the limit again; tell the shopper once."""
    from workers.jobs import add_reply  # jobs imports this module

    limit, per = rt.settings.shopper_rate_limit
    now = utcnow()
    # RQ schedules to the whole second, rounding down: round up, so the job never runs
    # before the shopper is under the limit again.
    due = math.ceil(now.timestamp() + retry_after)
    # One wake-up job at a time: every webhook queued a process job, and each of them
    # finds the shopper over the limit. A wake-up whose time has come may schedule
    # the next one.
    wake = f"souk:rl:wake:{conversation_id}"
    scheduled = rt.redis.get(wake)
    if scheduled is None or float(scheduled) <= now.timestamp():
        rt.redis.set(wake, due, ex=int(due - now.timestamp()) + 60)
        enqueue_process(rt, conversation_id, at=datetime.fromtimestamp(due, UTC))
    # One notice a flood: each deferral keeps the notice's key alive past the next
    # wake-up and for another period after it.
    notice = f"souk:rl:notice:{conversation_id}"
    quiet = math.ceil(due - now.timestamp()) + max(1, math.ceil(per))
    if not rt.redis.set(notice, 1, nx=True, ex=quiet):
        rt.redis.expire(notice, quiet)
        return
    with rt.db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None or consent.stopped(s, conv.customer_id):
            return
        locale = conv.locale or rt.shop.default_locale
        row = add_reply(s, rt, conv, Outgoing(i18n.gettext(locale, SLOW_DOWN)))
        row_id = row.id
    log.info("shopper over the rate limit conversation=%s retry_in=%.1fs", conversation_id,
             retry_after)
    enqueue_send(rt, row_id)
