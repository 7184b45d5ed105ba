"""SMS through Twilio: verify and parse its webhooks, render and send replies.

Rendering (DESIGN.md, "Channels render to what they can show"): plain text (WhatsApp's
`*bold*` markers removed), options as numbered "1. Label" lines, a link as "label: url",
no images (an image is omitted: a bare URL to a product photo helps nobody), no
templates (the reply's own text is sent). The text is kept in GSM-7 where look-alike
swaps can make it so (`gsm.to_gsm7`), then split into messages of at most
`max_segments` segments at paragraph, sentence or word boundaries.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from twilio.rest import Client

from bot.errors import PermanentError
from channels.base import Address, Capabilities, HttpRequest, Inbound, Outgoing, SendResult
from channels.gsm import MAX_MESSAGE_CHARS, split_sms, to_gsm7
from channels.twilio_common import (
    API_BASE,
    DEFAULT_TIMEOUT,
    compose_text,
    make_client,
    parse_inbound,
    send_message,
    status_callback_url,
    verify_signature,
)

__all__ = ["TwilioSMS"]


class TwilioSMS:
    """The SMS channel, sending through Twilio's Messages API."""

    name: str = "sms"
    capabilities: Capabilities = Capabilities(
        buttons=0, list_rows=0, images=False, max_text=MAX_MESSAGE_CHARS, templates=False
    )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        api_base: str = API_BASE,
        public_base_url: str | None = None,
        max_segments: int = 4,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._from = from_ or None  # E.164, a short code or an alphanumeric sender id
        self._service = messaging_service_sid or None
        self._api_base = api_base
        self._status_callback = status_callback_url(public_base_url)
        # Every segment is billed and counts against the sender's throughput.
        self.max_segments = max_segments
        self._timeout = timeout
        self._lock = threading.Lock()
        self._rest: Client | None = None

    def verify(self, request: HttpRequest) -> None:
        """Raise BadSignature unless Twilio signed the request (NotConfigured: no token)."""
        verify_signature(request, self._auth_token)

    def parse(self, request: HttpRequest) -> list[Inbound]:
        """The SMS in the webhook; MalformedPayload for anything else (e.g. WhatsApp)."""
        return parse_inbound(request, "sms")

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """Twilio message parts that show `out` by SMS, in order; [] if it has no text."""
        body = to_gsm7(compose_text(out, bold=False))
        return [{"body": text} for text in split_sms(body, self.max_segments)]

    def send(self, address: Address, part: Mapping[str, Any]) -> SendResult:
        """Send one rendered part to an `sms:` address through Twilio."""
        if address.channel != self.name:
            raise PermanentError(f"{address.masked()} is not an SMS address")
        return send_message(
            self._client(),
            address.id,
            part,
            from_=self._from,
            messaging_service_sid=self._service,
            status_callback=self._status_callback,
        )

    def _client(self) -> Client:
        """The twilio client, made on first send (start-up needs no credentials)."""
        with self._lock:
            if self._rest is None:
                if not (self._account_sid and self._auth_token):
                    raise PermanentError("Twilio is not configured", code="not_configured")
                self._rest = make_client(
                    self._account_sid, self._auth_token, self._api_base, self._timeout
                )
            return self._rest
