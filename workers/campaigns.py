"""RQ jobs of a campaign: find its audience, then write its messages batch by batch."""

from __future__ import annotations

from bot import campaigns, runtime
from workers.queues import enqueue_fan_out


def start_campaign(campaign_id: int) -> None:
    """Find a due campaign's audience and queue one fan-out job per batch.

    Failure policy: the campaign row is locked while its audience is found. Batches are
    queued after the commit; if the job dies in between, RQ's retry finds the campaign
    `running` and queues every batch again, which is safe because a batch writes each
    conversation's message once. A cancelled or queued campaign is left alone.
    """
    rt = runtime.get()
    for batch in campaigns.start(rt, campaign_id):
        enqueue_fan_out(rt, campaign_id, batch)


def fan_out_batch(campaign_id: int, conversation_ids: list[int]) -> None:
    """Write the messages of one batch of a campaign, paced per sender.

    Failure policy: one message per conversation and campaign (a unique row), so a
    retried batch writes only what it had not; a cancelled campaign writes nothing.
    """
    campaigns.fan_out(runtime.get(), campaign_id, conversation_ids)
