"""Putting jobs on souk's queues: inbound processing, outbound sending, the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rq import Retry

from bot.runtime import DEFAULT, INBOUND, OUTBOUND, Runtime

# RQ retries a job that raised (a crash, a lost database) on top of souk's own
# retry of provider errors, which never raise out of the send job.
JOB_RETRY = Retry(max=5, interval=[1, 5, 15, 60, 300])


def enqueue_process(rt: Runtime, conversation_id: int, at: datetime | None = None) -> None:
    """Ask a worker to process the conversation's unprocessed inbound messages (at `at`)."""
    kwargs = {"retry": JOB_RETRY, "job_timeout": 120, "result_ttl": 0,
              "failure_ttl": 7 * 24 * 3600}
    queue = rt.queue(INBOUND)
    if at is not None and at > datetime.now(UTC):
        queue.enqueue_at(at, "workers.jobs.process_conversation", conversation_id, **kwargs)
    else:
        queue.enqueue("workers.jobs.process_conversation", conversation_id, **kwargs)


def enqueue_send(rt: Runtime, outbox_id: int, at: datetime | None = None, *,
                 at_front: bool = False) -> None:
    """Ask a worker to send an outbox row (and any earlier one of its conversation).

    `at_front`: before what is queued, for a row that has waited its turn already.
    """
    kwargs = {"retry": JOB_RETRY, "job_timeout": 120, "result_ttl": 0,
              "failure_ttl": 7 * 24 * 3600}
    queue = rt.queue(OUTBOUND)
    if at is not None and at > datetime.now(UTC):
        # RQ keeps the time in whole seconds, cut down: round up, or the job would run
        # up to a second early, find its row not yet due and reschedule itself in a loop.
        if at.microsecond:
            at = at.replace(microsecond=0) + timedelta(seconds=1)
        queue.enqueue_at(at, "workers.jobs.send_outbox", outbox_id, **kwargs)
    else:
        queue.enqueue("workers.jobs.send_outbox", outbox_id, at_front=at_front, **kwargs)


def enqueue_question(rt: Runtime, order_id: int, question: str) -> None:
    """Ask a worker to put a question about an order to its shopper (bot/orders/questions.py)."""
    rt.queue(DEFAULT).enqueue(
        "workers.orders.ask_about_order",
        order_id,
        question,
        retry=JOB_RETRY,
        job_timeout=60,
        result_ttl=0,
        failure_ttl=7 * 24 * 3600,
    )


def enqueue_campaign(rt: Runtime, campaign_id: int, at: datetime | None = None) -> None:
    """Start a campaign now, or at `at` (workers/campaigns.py).

    Campaign jobs go on the outbound queue: workers take it before the default queue,
    and a campaign's batches must not wait behind the sends of its first batches.
    """
    kwargs = {"retry": JOB_RETRY, "job_timeout": 600, "result_ttl": 0,
              "failure_ttl": 7 * 24 * 3600}
    queue = rt.queue(OUTBOUND)
    if at is not None and at > datetime.now(UTC):
        queue.enqueue_at(at, "workers.campaigns.start_campaign", campaign_id, **kwargs)
    else:
        queue.enqueue("workers.campaigns.start_campaign", campaign_id, **kwargs)


def enqueue_fan_out(rt: Runtime, campaign_id: int, conversation_ids: list[int]) -> None:
    """Write one batch of a campaign's messages, ahead of queued sends (workers/campaigns.py)."""
    rt.queue(OUTBOUND).enqueue(
        "workers.campaigns.fan_out_batch", campaign_id, conversation_ids, at_front=True,
        retry=JOB_RETRY, job_timeout=600, result_ttl=0, failure_ttl=7 * 24 * 3600,
    )
