"""After the sale: shoppers' feedback on orders, merchant campaigns, customer tags."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, BigId, utcnow


class Feedback(Base):
    """A shopper's rating of a delivered order (1-5) and an optional comment; one per order."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    # Personal data: erased with the shopper.
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CampaignStatus(str, enum.Enum):  # noqa: UP042 - persisted values stay plain strings
    """A campaign's life. Persisted: values never change without a migration."""

    SCHEDULED = "scheduled"  # waiting for send_at
    RUNNING = "running"  # recipients being written to the outbox, batch by batch
    QUEUED = "queued"  # every recipient has its outbox row; sending paced by rate limits
    CANCELLED = "cancelled"  # no further message goes out


class Campaign(Base):
    """A message to every shopper opted in to `marketing` in a segment, now or at a time."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # The shop file's [templates.<template>] for WhatsApp outside the 24-hour window.
    template: Mapped[str | None] = mapped_column(String(64))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)  # by locale
    variables: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    segment: Mapped[dict[str, Any]] = mapped_column(JSON)  # countries, languages, channels, tags
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.SCHEDULED.value)
    send_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str | None] = mapped_column(String(100))  # the API key's name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    queued_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()


class CampaignMessage(Base):
    """One recipient of a campaign: at most one message per conversation, even on a re-run."""

    __tablename__ = "campaign_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))

    __table_args__ = (
        UniqueConstraint("campaign_id", "conversation_id", name="uq_campaign_recipient"),
        Index("ix_campaign_messages_message", "message_id"),
    )


class CustomerTag(Base):
    """A merchant's label on a shopper ("vip", "wholesale"), for campaign segments."""

    __tablename__ = "customer_tags"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)

    __table_args__ = (Index("ix_customer_tags_tag", "tag"),)
