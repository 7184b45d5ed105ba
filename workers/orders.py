"""RQ jobs about orders: asking a shopper a question about one (bot/orders/questions.py)."""

from __future__ import annotations

import logging

from redis.exceptions import LockError

from bot import runtime
from bot.orders import questions
from workers.queues import enqueue_question

log = logging.getLogger(__name__)

LOCK_SECONDS = 60


def ask_about_order(order_id: int, question: str) -> None:
    """Ask the order's shopper `question` ("updates" or "feedback"), once it still applies.

    Failure policy: the conversation's lock is taken as message processing takes it,
    so the question never changes the conversation's state under a message being
    handled; if the lock stays busy the job queues itself again. A question that no
    longer applies (consent given meanwhile, already rated) is skipped. A crash before
    the commit asks nothing and RQ retries; after it, the question was written and the
    outbox sends it.
    """
    rt = runtime.get()
    conversation_id = questions.conversation_id(rt, order_id)
    if conversation_id is None:
        return
    lock = rt.redis.lock(f"souk:lock:conv:{conversation_id}", timeout=LOCK_SECONDS,
                         blocking_timeout=20)
    if not lock.acquire():
        enqueue_question(rt, order_id, question)
        return
    try:
        questions.ask(rt, order_id, question)
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("conversation lock expired asking about order=%s", order_id)
