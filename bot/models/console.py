"""The agent console's tables: takeovers (handoffs), internal notes, canned replies."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, BigId, utcnow
from bot.models.core import Conversation


class HandoffOutcome(enum.StrEnum):
    """How a takeover ended. Persisted: values never change without a migration."""

    HANDED_BACK = "handed_back"  # an agent gave the conversation back to the bot
    RESOLVED = "resolved"  # an agent closed it as done (and may have asked for a rating)
    CANCELLED = "cancelled"  # the shopper stopped waiting (wrote MENU) before anyone took it


class Handoff(Base):
    """One episode of a conversation wanting or having a person: asked, taken, ended, rated.

    A conversation has at most one open handoff (`ended_at` is None) at a time. The
    dashboard's takeovers, first response times and CSAT are read from these rows.
    """

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    # asked | offered | low_rating | agent | payment_failed ... (who or what asked)
    reason: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL")
    )
    taken_at: Mapped[datetime | None] = mapped_column()
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    first_response_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)  # 1 (very poor) .. 5 (excellent)
    rated_at: Mapped[datetime | None] = mapped_column()

    conversation: Mapped[Conversation] = relationship()

    __table_args__ = (
        Index("ix_handoffs_conversation", "conversation_id", "ended_at"),
        Index("ix_handoffs_requested", "requested_at"),
    )


class AgentNote(Base):
    """An internal note on a conversation: seen by agents, never sent to the shopper."""

    __tablename__ = "agent_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CannedReply(Base):
    """A ready-made reply in one locale; admins edit them, agents insert them."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("locale", "title", name="uq_canned_locale_title"),)
