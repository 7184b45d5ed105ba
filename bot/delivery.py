"""Delivery statuses reported by providers, applied in rank order."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.db import Database
from bot.models import DELIVERY_RANK, DeliveryEvent, Direction, Message, utcnow

log = logging.getLogger(__name__)


def record_status(db: Database, provider_id: str, status: str, error_code: str | None) -> bool:
    """Record a provider's status for an outbound message; False if the message is unknown.

    Callbacks arrive out of order: `sent` never overwrites `delivered` or `read`.
    """
    with db.session() as s:
        message = s.scalar(
            select(Message).where(
                Message.direction == Direction.OUT.value, Message.provider_id == provider_id
            )
        )
        if message is None:
            log.info("status for an unknown message provider_id=%s status=%s", provider_id,
                     status)
            return False
        s.add(DeliveryEvent(message_id=message.id, status=status, error_code=error_code))
        if DELIVERY_RANK.get(status, -1) > DELIVERY_RANK.get(message.status, -1):
            message.status = status
            message.status_at = utcnow()
            if error_code:
                message.error_code = error_code
        return True
