"""Storing inbound messages: acknowledged means stored, a provider retry is stored once."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Database
from bot.models import (
    ChannelAddress,
    Conversation,
    Customer,
    Direction,
    Message,
    MessageStatus,
    utcnow,
)
from channels.base import Address, Inbound

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stored:
    """One inbound message after storing: its conversation, and whether it was new."""

    conversation_id: int
    message_id: int | None
    new: bool


def conversation_for(s: Session, address: Address, name: str | None = None) -> Conversation:
    """The conversation of `address`, created with its customer on first contact."""
    key = str(address)
    conv = s.scalar(select(Conversation).where(Conversation.address == key))
    if conv is not None:
        if name and not conv.customer.name:
            conv.customer.name = name[:200]
        return conv
    try:
        # Two first messages may race; the unique address lets one win and the other
        # read the winner's rows.
        with s.begin_nested():
            customer = Customer(name=name[:200] if name else None)
            s.add(customer)
            s.flush()
            s.add(ChannelAddress(customer_id=customer.id, address=key, channel=address.channel))
            conv = Conversation(customer_id=customer.id, address=key, channel=address.channel)
            s.add(conv)
            s.flush()
            return conv
    except IntegrityError:
        conv = s.scalar(select(Conversation).where(Conversation.address == key))
        assert conv is not None
        return conv


def _meta(msg: Inbound) -> dict[str, object] | None:
    meta: dict[str, object] = {}
    if msg.media:
        meta["media"] = [list(m) for m in msg.media]
    if msg.location:
        meta["location"] = list(msg.location)
    if msg.contact_phone:
        meta["contact_phone"] = msg.contact_phone
    if msg.language_hint:
        meta["language_hint"] = msg.language_hint
    # A Telegram button press: answered once processed, so its spinner stops.
    query = msg.raw.get("callback_query") if msg.raw else None
    callback = query.get("id") if isinstance(query, dict) else None
    if isinstance(callback, str) and callback:
        meta["callback_query_id"] = callback[:64]
    return meta or None


def store(db: Database, messages: list[Inbound]) -> list[Stored]:
    """Commit each message once; a provider id seen before is reported as not new."""
    results: list[Stored] = []
    for msg in messages:
        with db.session() as s:
            conv = conversation_for(s, msg.address, msg.name)
            row = Message(
                conversation_id=conv.id,
                direction=Direction.IN.value,
                channel=msg.address.channel,
                provider_id=msg.provider_id,
                kind=msg.kind.value,
                author="shopper",
                body=msg.text,
                payload=msg.payload[:256] if msg.payload else None,
                meta=_meta(msg),
                status=MessageStatus.RECEIVED.value,
            )
            try:
                with s.begin_nested():
                    s.add(row)
                    s.flush()
            except IntegrityError:
                log.info(
                    "duplicate inbound ignored channel=%s address=%s conversation=%s",
                    msg.address.channel, msg.address.masked(), conv.id,
                )
                results.append(Stored(conv.id, None, False))
                continue
            conv.last_inbound_at = utcnow()
            results.append(Stored(conv.id, row.id, True))
    return results
