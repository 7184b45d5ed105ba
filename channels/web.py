"""The simulator's channel: replies rendered as WhatsApp, SMS and Telegram would show them.

A simulated conversation (`web:whatsapp:+55…`) travels the same pipeline as a real
one; "sending" records the reply as delivered, and the simulator page shows the
rendering of the channel it imitates.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from bot.errors import MalformedPayload
from channels import telegram_render
from channels.base import Address, Capabilities, HttpRequest, Inbound, Outgoing, SendResult
from channels.twilio_sms import TwilioSMS
from channels.twilio_whatsapp import TwilioWhatsApp


class WebChannel:
    """Delivers to the simulator page; needs no credentials."""

    name = "web"
    capabilities = Capabilities(buttons=3, list_rows=10, images=True, max_text=4096)

    def __init__(self) -> None:
        # Rendering needs no credentials: these adapters never send from here.
        self._whatsapp = TwilioWhatsApp(account_sid="", auth_token="")
        self._sms = TwilioSMS(account_sid="", auth_token="")

    def verify(self, request: HttpRequest) -> None:
        """The simulator posts through its own route; there is no provider to verify."""

    def parse(self, request: HttpRequest) -> list[Inbound]:
        raise MalformedPayload("the web channel takes messages from the simulator only")

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """One part carrying the reply as each imitated channel renders it."""
        return [{
            "styles": {
                "whatsapp": self._whatsapp.render(out),
                "sms": self._sms.render(out),
                "telegram": telegram_render.render(out),
            }
        }]

    def send(self, address: Address, part: Mapping[str, Any]) -> SendResult:
        """Delivered as soon as it is stored: the simulator reads it from the database."""
        return SendResult(provider_id=f"web-{uuid.uuid4().hex}", status="delivered")
