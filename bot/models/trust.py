"""Indexes for privacy and consent queries on the spine's tables (migration 0005).

Kept apart from the tables' own modules: they serve the retention job and the
consent lookups made for every message and every send.
"""

from __future__ import annotations

from sqlalchemy import Index

from bot.models.core import ConsentEvent, Message

# The daily retention job finds messages older than the shop's retention period.
MESSAGES_BY_TIME = Index("ix_messages_created", Message.created_at)
# consent.latest(): a customer's newest event on one topic, for every message and send.
CONSENT_BY_TOPIC = Index(
    "ix_consent_customer_topic", ConsentEvent.customer_id, ConsentEvent.topic,
    ConsentEvent.created_at,
)
