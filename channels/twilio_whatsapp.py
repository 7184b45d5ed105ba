"""WhatsApp through Twilio: verify and parse its webhooks, render and send replies.

Rendering (DESIGN.md, "Channels render to what they can show"):
- text with WhatsApp's `*bold*` kept, options as numbered lines, a link as "label: url";
- an image rides as MediaUrl on the first part (its caption), or alone before the text
  when that first part is longer than a WhatsApp caption may be;
- a `Template` becomes a ContentSid part with its variables and no Body: the only kind
  of message WhatsApp delivers outside the 24-hour window;
- bodies longer than 1600 characters are split into several parts.

Quick-reply buttons need a Content API template per set of options, created ahead of
time; free-form messages cannot carry them. So `whatsapp_buttons` is accepted (the
account has buttons) but options are still rendered as numbered lines, and
`capabilities.buttons` stays 0 until such templates exist. Shoppers answer by number,
label or in their own words either way.
"""

from __future__ import annotations

from typing import Any

from channels._twilio_channel import TwilioChannel
from channels.base import Capabilities, HttpRequest, Inbound, Outgoing
from channels.gsm import MAX_MESSAGE_CHARS, split_text
from channels.twilio_common import API_BASE, DEFAULT_TIMEOUT, compose_text, parse_inbound

__all__ = ["CAPTION_MAX", "TwilioWhatsApp"]

# WhatsApp cuts media captions at 1024 characters.
CAPTION_MAX = 1024


class TwilioWhatsApp(TwilioChannel):
    """The WhatsApp channel, sending through Twilio's Messages API."""

    name = "whatsapp"
    capabilities = Capabilities(
        buttons=0, list_rows=0, images=True, max_text=MAX_MESSAGE_CHARS, templates=True
    )
    to_prefix = "whatsapp:"
    what = "a WhatsApp"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        api_base: str = API_BASE,
        public_base_url: str | None = None,
        whatsapp_buttons: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        # Twilio wants the channel prefix on the sender; accept the bare number too.
        sender = f"whatsapp:{from_.removeprefix('whatsapp:')}" if from_ else None
        super().__init__(account_sid, auth_token, sender, messaging_service_sid, api_base,
                         public_base_url, timeout)
        self.whatsapp_buttons = whatsapp_buttons

    def parse(self, request: HttpRequest) -> list[Inbound]:
        """The WhatsApp message in the webhook; MalformedPayload for anything else."""
        return parse_inbound(request, "whatsapp")

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """Twilio message parts that show `out` on WhatsApp, in order."""
        if out.template:
            part: dict[str, Any] = {"content_sid": out.template.content_sid}
            if out.template.variables:
                part["content_variables"] = dict(out.template.variables)
            return [part]
        parts: list[dict[str, Any]] = [{"body": b} for b in split_text(compose_text(out))]
        if out.image_url:
            if parts and len(parts[0]["body"]) <= CAPTION_MAX:
                parts[0]["media_url"] = [out.image_url]
            else:
                parts.insert(0, {"media_url": [out.image_url]})
        return parts
