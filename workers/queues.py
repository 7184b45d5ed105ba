"""Putting jobs on souk's queues: inbound processing, outbound sending, the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rq import Retry

from bot.runtime import INBOUND, OUTBOUND, Runtime

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


def enqueue_send(rt: Runtime, outbox_id: int, at: datetime | None = None) -> None:
    """Ask a worker to send an outbox row (and any earlier one of its conversation)."""
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
        queue.enqueue("workers.jobs.send_outbox", outbox_id, **kwargs)
