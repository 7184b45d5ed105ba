"""What the SMS and WhatsApp adapters share: Twilio credentials, verification, sending."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from twilio.rest import Client

from bot.errors import PermanentError
from channels.base import Address, Capabilities, HttpRequest, SendResult
from channels.twilio_common import (
    API_BASE,
    DEFAULT_TIMEOUT,
    make_client,
    send_message,
    status_callback_url,
    verify_signature,
)


class TwilioChannel:
    """A channel that sends through Twilio's Messages API; subclasses parse and render."""

    name: str
    capabilities: Capabilities
    # What Twilio calls the recipient: "whatsapp:" + number for WhatsApp, the number for SMS.
    to_prefix: ClassVar[str] = ""
    what: ClassVar[str] = "a Twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        api_base: str = API_BASE,
        public_base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._from = from_ or None
        self._service = messaging_service_sid or None
        self._api_base = api_base
        self._status_callback = status_callback_url(public_base_url)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._rest: Client | None = None

    def verify(self, request: HttpRequest) -> None:
        """Raise BadSignature unless Twilio signed the request (NotConfigured: no token)."""
        verify_signature(request, self._auth_token)

    def send(self, address: Address, part: Mapping[str, Any]) -> SendResult:
        """Send one rendered part to an address of this channel through Twilio."""
        if address.channel != self.name:
            raise PermanentError(f"{address.masked()} is not {self.what} address")
        return send_message(
            self._client(),
            f"{self.to_prefix}{address.id}",
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
