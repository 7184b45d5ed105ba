"""Driving one shopper end to end on any channel, for the trust tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.models import Conversation, Message
from bot.runtime import Runtime
from channels.base import Outgoing
from tests.support import post_telegram, post_twilio, telegram_update, twilio_form
from workers.jobs import add_reply
from workers.queues import enqueue_send

IDS = {"whatsapp": "+5511987654321", "sms": "+14155550123", "telegram": "424242"}


@dataclass
class Shopper:
    """A shopper on one channel: writes through the signed webhook, reads what was sent."""

    rt: Runtime
    client: Any
    channel: str
    twilio: Any
    telegram: Any
    ident: str = ""

    def __post_init__(self) -> None:
        self.ident = self.ident or IDS[self.channel]

    @property
    def address(self) -> str:
        return f"{self.channel}:{self.ident}"

    def write(self, text: str) -> None:
        if self.channel == "telegram":
            response = post_telegram(self.client, telegram_update(int(self.ident), text))
        else:
            sender = f"whatsapp:{self.ident}" if self.channel == "whatsapp" else self.ident
            response = post_twilio(self.client, self.twilio.auth_token, twilio_form(sender, text))
        assert response.status_code == 200, response.get_data(as_text=True)

    def received(self) -> list[str]:
        """The texts the fake provider accepted for this shopper, in order."""
        if self.channel == "telegram":
            return [str(c.params.get("text", "")) for c in self.telegram.sent
                    if c.method == "sendMessage" and c.chat_id == self.ident]
        to = f"whatsapp:{self.ident}" if self.channel == "whatsapp" else self.ident
        return [m.body or "" for m in self.twilio.messages if m.to == to]

    def conversation_id(self) -> int:
        with self.rt.db.session() as s:
            conv = s.scalar(select(Conversation).where(Conversation.address == self.address))
            assert conv is not None, "the shopper has not written yet"
            return conv.id

    def customer_id(self) -> int:
        conversation_id = self.conversation_id()
        with self.rt.db.session() as s:
            conv = s.get(Conversation, conversation_id)
            assert conv is not None
            return conv.customer_id

    def push(self, text: str, *, author: str = "bot", requested: bool = False,
             topic: str | None = "order_updates", send: bool = True) -> int:
        """Queue a message the shopper did not ask for (or an agent's); its message id."""
        conversation_id = self.conversation_id()
        with self.rt.db.session() as s:
            conv = s.get(Conversation, conversation_id)
            assert conv is not None
            row = add_reply(s, self.rt, conv, Outgoing(text), author=author,
                            requested=requested, topic=topic)
            row_id, message_id = row.id, row.message_id
        if send:
            enqueue_send(self.rt, row_id)
        return message_id

    def message(self, message_id: int) -> Message:
        with self.rt.db.session() as s:
            found = s.get(Message, message_id)
            assert found is not None
            return found
