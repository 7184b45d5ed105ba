"""SMS through Twilio: verify and parse its webhooks, render and send replies.

Rendering (DESIGN.md, "Channels render to what they can show"): plain text (WhatsApp's
`*bold*` markers removed), options as numbered "1. Label" lines, a link as "label: url",
no images (an image is omitted: a bare URL to a product photo helps nobody), no
templates (the reply's own text is sent). The text is kept in GSM-7 where look-alike
swaps can make it so (`gsm.to_gsm7`), then split into messages of at most
`max_segments` segments at paragraph, sentence or word boundaries.
"""

from __future__ import annotations

from typing import Any

from channels._twilio_channel import TwilioChannel
from channels.base import Capabilities, HttpRequest, Inbound, Outgoing
from channels.gsm import MAX_MESSAGE_CHARS, split_sms, to_gsm7
from channels.twilio_common import API_BASE, DEFAULT_TIMEOUT, compose_text, parse_inbound

__all__ = ["TwilioSMS"]


class TwilioSMS(TwilioChannel):
    """The SMS channel, sending through Twilio's Messages API."""

    name = "sms"
    capabilities = Capabilities(
        buttons=0, list_rows=0, images=False, max_text=MAX_MESSAGE_CHARS, templates=False
    )
    what = "an SMS"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_: str | None = None,  # E.164, a short code or an alphanumeric sender id
        messaging_service_sid: str | None = None,
        api_base: str = API_BASE,
        public_base_url: str | None = None,
        max_segments: int = 4,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(account_sid, auth_token, from_, messaging_service_sid, api_base,
                         public_base_url, timeout)
        # Every segment is billed and counts against the sender's throughput.
        self.max_segments = max_segments

    def parse(self, request: HttpRequest) -> list[Inbound]:
        """The SMS in the webhook; MalformedPayload for anything else (e.g. WhatsApp)."""
        return parse_inbound(request, "sms")

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """Twilio message parts that show `out` by SMS, in order; [] if it has no text."""
        body = to_gsm7(compose_text(out, bold=False))
        return [{"body": text} for text in split_sms(body, self.max_segments)]
