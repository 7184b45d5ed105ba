"""Campaigns: one message to every shopper opted in to `marketing` in a segment.

    create()     store it, to start now or at `send_at`
    start()      find the audience and split it into batches    (job: workers/campaigns.py)
    fan_out()    write one batch's messages to the outbox, paced (job)
    progress()   how many wait, went out, arrived, failed or were not sent
    cancel()     nothing more goes out

Fan-out books each batch's sends on its sender's pace (bot/sendrate.py `plan`), so a
campaign of 10,000 leaves at the rate the providers allow, not in a burst that the
rate limits would then turn back. Consent is checked when the audience is found,
again per batch, and once more when each message is sent (bot/rules.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from bot import i18n, notices, sendrate
from bot.models import (
    Campaign,
    CampaignMessage,
    CampaignStatus,
    ConsentEvent,
    Conversation,
    Customer,
    CustomerTag,
    Direction,
    Message,
    MessageStatus,
    Outbox,
    OutboxState,
    utcnow,
)
from bot.notices import Notice
from bot.runtime import Runtime
from channels.base import Address, Outgoing

log = logging.getLogger(__name__)

BATCH = 500
CHANNELS = ("whatsapp", "sms", "telegram")
_LEFT = "souk:campaign:{}:batches"  # batches not written yet


@dataclass(frozen=True, slots=True)
class Segment:
    """Who a campaign is for; an empty list means anyone."""

    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        """The segment as stored on the campaign."""
        return {k: list(v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Iterable[str]]) -> Segment:
        """A stored segment."""
        return cls(**{k: tuple(data.get(k, ())) for k in ("countries", "languages",
                                                            "channels", "tags")})


def _latest(topic: str) -> Any:
    """The customer's latest consent answer on `topic`, as a correlated subquery."""
    return (select(ConsentEvent.granted)
            .where(ConsentEvent.customer_id == Customer.id, ConsentEvent.topic == topic)
            .order_by(ConsentEvent.created_at.desc(), ConsentEvent.id.desc())
            .limit(1).scalar_subquery())


def audience(segment: Segment) -> Select[Any]:
    """The conversations a campaign reaches: in the segment, opted in, no STOP."""
    stop = _latest("all")
    query = (
        select(Conversation.id)
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Conversation.channel.in_(segment.channels or CHANNELS),
               Customer.erased_at.is_(None),
               _latest("marketing").is_(True),
               or_(stop.is_(None), stop.is_(True)))
    )
    if segment.countries:
        query = query.where(Customer.country.in_(segment.countries))
    if segment.languages:
        query = query.where(func.coalesce(Conversation.locale, Customer.locale)
                            .in_(segment.languages))
    if segment.tags:
        query = query.where(exists().where(and_(CustomerTag.customer_id == Customer.id,
                                                CustomerTag.tag.in_(segment.tags))))
    return query


def create(
    s: Session, rt: Runtime, *, name: str, texts: Mapping[str, str], segment: Segment,
    template: str | None = None, variables: Mapping[str, str] | None = None,
    send_at: datetime | None = None, created_by: str | None = None,
) -> Campaign:
    """Store a campaign; it starts when the transaction commits, or at `send_at`."""
    now = utcnow()
    campaign = Campaign(name=name, texts=dict(texts), template=template,
                        variables=dict(variables) if variables else None,
                        segment=segment.to_json(), send_at=max(send_at or now, now),
                        created_by=created_by, status=CampaignStatus.SCHEDULED.value)
    s.add(campaign)
    s.flush()
    from workers.queues import enqueue_campaign

    campaign_id, at = campaign.id, campaign.send_at
    notices.after_commit(s, lambda: enqueue_campaign(rt, campaign_id, at))
    return campaign


def start(rt: Runtime, campaign_id: int) -> list[list[int]]:
    """Find a scheduled campaign's audience; the batches to fan out (none if not due)."""
    with rt.db.session() as s:
        campaign = s.get(Campaign, campaign_id, with_for_update=True)
        # A campaign already running starts again only when its start job is retried
        # after a crash: every batch is queued again, and batches write each message once.
        if campaign is None or campaign.status not in (CampaignStatus.SCHEDULED.value,
                                                       CampaignStatus.RUNNING.value):
            return []
        if campaign.send_at > utcnow():
            return []  # started early by a retry: its own scheduled job comes later
        ids = list(s.scalars(audience(Segment.from_json(campaign.segment))
                             .order_by(Conversation.id)))
        campaign.status = CampaignStatus.RUNNING.value
        campaign.started_at = utcnow()
        campaign.recipients = len(ids)
        batches = [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]
        if batches:
            rt.redis.set(_LEFT.format(campaign_id), len(batches), ex=7 * 24 * 3600)
        else:
            campaign.status = CampaignStatus.QUEUED.value
            campaign.queued_at = utcnow()
    log.info("campaign=%s audience=%d batches=%d", campaign_id, len(ids), len(batches))
    return batches


def text_for(campaign: Campaign, conv: Conversation, default_locale: str) -> tuple[str, str]:
    """The campaign's text in the shopper's language, else the shop's, else any: (locale, text)."""
    texts: Mapping[str, str] = campaign.texts
    for locale in (conv.locale, conv.customer.locale, default_locale):
        if locale and locale in texts:
            return locale, texts[locale]
    locale = next(iter(texts))
    return locale, texts[locale]


def fan_out(rt: Runtime, campaign_id: int, conversation_ids: Sequence[int]) -> int:
    """Write one batch's messages, each due at its sender's next booked slot; how many."""
    with rt.db.session() as s:
        campaign = s.get(Campaign, campaign_id)
        if campaign is None or campaign.status == CampaignStatus.CANCELLED.value:
            return 0
        done = set(s.scalars(select(CampaignMessage.conversation_id).where(
            CampaignMessage.campaign_id == campaign_id,
            CampaignMessage.conversation_id.in_(conversation_ids))))
        wanted = [i for i in conversation_ids if i not in done]
        segment = Segment.from_json(campaign.segment)
        still_in = set(s.scalars(audience(segment).where(Conversation.id.in_(wanted))))
        convs = list(s.scalars(select(Conversation).where(Conversation.id.in_(still_in))
                               .options(selectinload(Conversation.customer))
                               .order_by(Conversation.id)))
        due = _pace(rt, convs)
        messages = [_message(rt, campaign, conv) for conv in convs]
        s.add_all(messages)
        s.flush()
        rows = [Outbox(message_id=m.id, conversation_id=m.conversation_id,
                       due_at=due[m.conversation_id]) for m in messages]
        s.add_all(rows)
        s.add_all(CampaignMessage(campaign_id=campaign_id, conversation_id=m.conversation_id,
                                  message_id=m.id) for m in messages)
        s.flush()
        deferred = {row.id: row.due_at for row in rows}
    from workers import pacer

    pacer.defer_many(rt, deferred)
    if rt.redis.decr(_LEFT.format(campaign_id)) <= 0:
        with rt.db.session() as s:
            s.execute(update(Campaign).where(
                Campaign.id == campaign_id, Campaign.status == CampaignStatus.RUNNING.value,
            ).values(status=CampaignStatus.QUEUED.value, queued_at=utcnow()))
    return len(rows)


def _pace(rt: Runtime, convs: Sequence[Conversation]) -> dict[int, datetime]:
    """When each conversation's message may go: its sender's booked slots, in order."""
    by_channel: dict[str, list[int]] = {}
    for conv in convs:
        by_channel.setdefault(conv.channel, []).append(conv.id)
    now = time.time()
    due: dict[int, datetime] = {}
    for channel, ids in by_channel.items():
        booked = sendrate.plan(rt, channel, len(ids))
        if booked is None:
            due.update(dict.fromkeys(ids, datetime.fromtimestamp(now, UTC)))
            continue
        start, interval, redis_now = booked
        first = now + (start - redis_now)  # the Redis clock's slot on ours
        for index, conv_id in enumerate(ids):
            due[conv_id] = datetime.fromtimestamp(first + index * interval, UTC)
    return due


def _message(rt: Runtime, campaign: Campaign, conv: Conversation) -> Message:
    locale, text = text_for(campaign, conv, rt.shop.default_locale)
    reply = Outgoing(text=text)
    channel = rt.channel(Address.parse(conv.address).channel)
    notice = Notice(kind="campaign", locale=locale, template=campaign.template,
                    variables=dict(campaign.variables or {}))
    return Message(
        conversation_id=conv.id, direction=Direction.OUT.value, channel=conv.channel,
        author="system", body=text, content=reply.to_json(),
        parts=channel.render(reply) if channel is not None else [reply.to_json()],
        requested=False, topic="marketing", status=MessageStatus.SCHEDULED.value,
        meta={"campaign": campaign.id, "notice": notice.to_json()},
    )


_GROUPS = {
    "pending": ("pending", "sending"), "scheduled": ("scheduled",),
    "sent": ("sent", "queued", "accepted"), "delivered": ("delivered",), "read": ("read",),
    "failed": ("failed", "undelivered"), "dropped": ("dropped",),
}


def progress(s: Session, campaign: Campaign) -> dict[str, int]:
    """Recipients by what became of their message."""
    rows = s.execute(
        select(Message.status, func.count()).join(
            CampaignMessage, CampaignMessage.message_id == Message.id
        ).where(CampaignMessage.campaign_id == campaign.id).group_by(Message.status)
    ).all()
    counts = {status: int(n) for status, n in rows}
    return {group: sum(counts.get(st, 0) for st in statuses)
            for group, statuses in _GROUPS.items()}


def cancel(s: Session, campaign: Campaign) -> int:
    """Stop a campaign: its messages not sent yet are dropped; how many."""
    if campaign.status == CampaignStatus.CANCELLED.value:
        return 0
    campaign.status = CampaignStatus.CANCELLED.value
    campaign.cancelled_at = utcnow()
    waiting = select(CampaignMessage.message_id).join(
        Message, Message.id == CampaignMessage.message_id
    ).where(CampaignMessage.campaign_id == campaign.id,
            Message.status.in_((MessageStatus.PENDING.value, MessageStatus.SCHEDULED.value)))
    ids = list(s.scalars(waiting))
    for i in range(0, len(ids), 1000):
        chunk = ids[i:i + 1000]
        s.execute(update(Message).where(Message.id.in_(chunk)).values(
            status=MessageStatus.DROPPED.value, error_code="campaign_cancelled",
            error_message="the campaign was cancelled"))
        s.execute(update(Outbox).where(Outbox.message_id.in_(chunk),
                                       Outbox.state == OutboxState.PENDING.value)
                  .values(state=OutboxState.DONE.value))
    return len(ids)


def normalize_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """Texts keyed by souk's locale names ("pt-BR" → "pt_BR"); ValueError for unknown ones."""
    result: dict[str, str] = {}
    for key, text in texts.items():
        locale = i18n.negotiate(key)
        if locale is None:
            raise ValueError(f"{key!r} is not a language souk speaks "
                             f"({', '.join(i18n.SUPPORTED)})")
        result[locale] = text
    return result
