"""Conversations, messages, the outbox, consent and delivery: the spine's tables."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, BigId, utcnow


class ConversationStatus(str, enum.Enum):
    BOT = "bot"  # the bot answers
    WAITING = "waiting"  # the shopper asked for a person; nobody has taken it yet
    AGENT = "agent"  # a person holds it; the bot stays silent but for STOP/HELP


class Direction(str, enum.Enum):
    IN = "in"
    OUT = "out"


class MessageStatus(str, enum.Enum):
    """Inbound: received → processed. Outbound: the delivery ladder below."""

    RECEIVED = "received"
    PROCESSED = "processed"
    PENDING = "pending"  # in the outbox
    SCHEDULED = "scheduled"  # in the outbox, held for later: quiet hours, a campaign's pace
    SENDING = "sending"
    SENT = "sent"  # accepted by the provider
    DELIVERED = "delivered"
    READ = "read"
    UNDELIVERED = "undelivered"
    FAILED = "failed"  # a permanent error, or retries exhausted
    DROPPED = "dropped"  # not sent on purpose: a rule at send time forbade it


# Status callbacks arrive out of order: a status only replaces one of a lower rank.
DELIVERY_RANK = {
    "pending": 0,
    "sending": 1,
    "queued": 2,
    "accepted": 2,
    "sent": 3,
    "undelivered": 4,
    "failed": 4,
    "delivered": 5,
    "read": 6,
}


class OutboxState(str, enum.Enum):
    PENDING = "pending"  # waiting for a send job (or for its retry time)
    SENDING = "sending"  # a worker holds it until locked_until
    DONE = "done"  # sent, or permanently failed, or dropped: nothing more to do


class Customer(Base):
    """A shopper: one person behind one or more channel addresses."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(16))
    # When the shopper picked `locale` themselves (migration 0009); None while it is
    # only detected. A picked language is not switched by detection.
    locale_chosen_at: Mapped[datetime | None] = mapped_column()
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column()

    addresses: Mapped[list[ChannelAddress]] = relationship(back_populates="customer")


class ChannelAddress(Base):
    """A channel-qualified identity of a customer: `whatsapp:+55…`, `telegram:42`."""

    __tablename__ = "channel_addresses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(80), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="addresses")


class Conversation(Base):
    """The thread between the shop and one address."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(80), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ConversationStatus.BOT.value)
    assigned_agent_id: Mapped[int | None] = mapped_column(BigId)
    waiting_since: Mapped[datetime | None] = mapped_column()
    last_inbound_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship()

    __table_args__ = (Index("ix_conversations_status", "status", "waiting_since"),)


class Message(Base):
    """One message in or out. Inbound provider ids are unique: a retry is stored once."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="text")
    author: Mapped[str] = mapped_column(String(16), default="shopper")  # shopper|bot|agent|system
    body: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(String(256))
    # Small provider details kept for processing: a Telegram callback id, media URLs,
    # a shared location, the provider ids of every part sent.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Outbound: the channel-neutral reply and the provider parts rendered from it.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    parts: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    # Whether the shopper asked for this message (a reply) or we push it (a notification);
    # pushed messages need consent at send time.
    requested: Mapped[bool] = mapped_column(default=True)
    topic: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    status_at: Mapped[datetime | None] = mapped_column()

    conversation: Mapped[Conversation] = relationship()

    __table_args__ = (
        UniqueConstraint("channel", "direction", "provider_id", name="uq_messages_provider_id"),
        Index("ix_messages_pending_inbound", "conversation_id", "direction", "processed_at"),
    )


class Outbox(Base):
    """The work of sending one outbound message: written with the reply, in one transaction."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship()

    __table_args__ = (
        Index("ix_outbox_state_due", "state", "due_at"),
        Index("ix_outbox_conversation", "conversation_id", "state", "id"),
    )


class ConsentEvent(Base):
    """One opt-in or opt-out; current consent is the latest event per topic (the ledger)."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(32))  # order_updates | marketing | all
    granted: Mapped[bool] = mapped_column()
    channel: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))  # shopper | checkout | api | carrier
    proof: Mapped[str | None] = mapped_column(String(120))  # a message id or an API key name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryEvent(Base):
    """A delivery status reported by a provider for an outbound message, as it came."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
