"""What Twilio's SMS and WhatsApp adapters share: signature check, webhook parsing, sending.

One webhook (`/webhooks/twilio`) receives both channels; `channel_of(form)` says which
adapter a form belongs to. Status callbacks (`/webhooks/twilio/status`) become
`StatusUpdate` values. Sending lives in `channels._twilio_rest` and is re-exported here.

Every value Twilio posts is a string and Twilio adds parameters without notice, so the
parser reads the keys it knows and keeps the whole form in `Inbound.raw`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator

from bot.errors import BadSignature, MalformedPayload, NotConfigured
from channels import bidi
from channels._twilio_rest import (
    API_BASE,
    DEFAULT_TIMEOUT,
    RetryAfterHttpClient,
    make_client,
    map_error,
    retry_after_seconds,
    send_message,
    status_callback_url,
)
from channels.base import Address, HttpRequest, Inbound, Kind, Outgoing

__all__ = [
    "API_BASE",
    "DEFAULT_TIMEOUT",
    "RetryAfterHttpClient",
    "StatusUpdate",
    "channel_of",
    "compose_text",
    "form_of",
    "make_client",
    "map_error",
    "parse_inbound",
    "parse_status",
    "retry_after_seconds",
    "send_message",
    "status_callback_url",
    "verify_signature",
]

TwilioChannel = Literal["whatsapp", "sms"]

# Message SIDs are two letters (SM, MM, ...) and 32 hex digits.
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_SHORT_CODE = re.compile(r"[0-9]{3,8}")
_STATUS = re.compile(r"[a-z][a-z_]{1,30}")
# Twilio sends at most 10 media items; a larger NumMedia must not make us loop for long.
_MAX_MEDIA = 10
_VCARD_TYPES = ("text/vcard", "text/x-vcard", "text/directory")
# WhatsApp's *bold*; "5 * 3" is left alone because a marker must hug a word.
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")


class _Params(dict[str, list[str]]):
    """A form as RequestValidator reads it: `getall` gives every value of a repeated key."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def form_of(request: HttpRequest) -> dict[str, list[str]]:
    """The request's form, all values as lists: `request.form`, else the decoded body or query.

    GET webhooks carry the parameters in the query string.
    """
    if request.form:
        return {
            key: [value] if isinstance(value, str) else [str(v) for v in value]
            for key, value in request.form.items()
        }
    if request.method.upper() == "GET":
        return parse_qs(urlsplit(request.url).query, keep_blank_values=True)
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedPayload("the form is not UTF-8") from exc
    return parse_qs(text, keep_blank_values=True)


def _flat(form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each key's first value (Twilio never repeats the keys souk reads)."""
    flat: dict[str, str] = {}
    for key, value in form.items():
        if isinstance(value, str):
            flat[key] = value
        elif value:
            flat[key] = str(value[0])
    return flat


def verify_signature(request: HttpRequest, auth_token: str | None) -> None:
    """Raise unless `X-Twilio-Signature` signs `request.url` and its form with `auth_token`.

    Raises NotConfigured without a token, BadSignature when the header is missing or wrong.
    The check itself is twilio-python's `RequestValidator`, which also accepts the URL
    with an explicit default port, as Twilio sometimes signs it.
    """
    if not auth_token:
        raise NotConfigured("TWILIO_AUTH_TOKEN is not set")
    signature = request.header("X-Twilio-Signature")
    if not signature:
        raise BadSignature("missing X-Twilio-Signature")
    # Twilio signs the URL without its fragment (where connection overrides live).
    url = request.url.partition("#")[0]
    try:
        params = _Params() if request.method.upper() == "GET" else _Params(form_of(request))
    except MalformedPayload:
        raise BadSignature("the form cannot be read, so it cannot be signed") from None
    if not RequestValidator(auth_token).validate(url, params, signature):
        raise BadSignature("X-Twilio-Signature does not match")


def channel_of(form: Mapping[str, Sequence[str]]) -> TwilioChannel:
    """Which Twilio channel a webhook form comes from: "whatsapp" or "sms"."""
    sender = _flat(form).get("From", "")
    return "whatsapp" if sender.lower().startswith("whatsapp:") else "sms"


def _address(value: str, channel: TwilioChannel, field: str) -> Address:
    number = value.removeprefix("whatsapp:") if channel == "whatsapp" else value
    if channel == "whatsapp" and not value.startswith("whatsapp:"):
        raise MalformedPayload(f"{field} is not a WhatsApp address")
    if not _E164.fullmatch(number):
        raise MalformedPayload(f"{field} is not an E.164 number")
    return Address(channel, number)


def _check_recipient(value: str, channel: TwilioChannel) -> None:
    if channel == "whatsapp":
        _address(value, channel, "To")
    elif not (_E164.fullmatch(value) or _SHORT_CODE.fullmatch(value)):
        raise MalformedPayload("To is not a phone number or short code")


def _coordinate(value: str, bound: float, field: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise MalformedPayload(f"{field} is not a number") from None
    if not math.isfinite(number) or abs(number) > bound:
        raise MalformedPayload(f"{field} is out of range")
    return number


def _media(flat: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    raw = flat.get("NumMedia", "0").strip() or "0"
    if not raw.isdigit():
        raise MalformedPayload("NumMedia is not a count")
    items = []
    for n in range(min(int(raw), _MAX_MEDIA)):
        url = flat.get(f"MediaUrl{n}", "")
        if not url.startswith(("https://", "http://")):
            raise MalformedPayload(f"MediaUrl{n} is missing or not a URL")
        items.append((url, flat.get(f"MediaContentType{n}", "application/octet-stream")))
    return tuple(items)


def parse_inbound(request: HttpRequest, channel: TwilioChannel) -> list[Inbound]:
    """The one message an inbound Twilio webhook carries, as `Inbound`.

    Kind, by precedence: a tapped button or list row (BUTTON, payload = its id), a shared
    location (LOCATION), a vCard (CONTACT), other media (MEDIA), else TEXT. Raises
    MalformedPayload when MessageSid, From or To is missing or malformed, the form
    belongs to the other channel, or it is a status callback.
    """
    form = form_of(request)
    flat = _flat(form)
    if channel_of(form) != channel:
        raise MalformedPayload(f"not a Twilio {channel} message")
    # A status callback posted here (a status URL set to the inbound one) would otherwise
    # become a message from the shop's own number.
    if (flat.get("MessageStatus") or flat.get("SmsStatus") or "received") not in (
        "received", "receiving"
    ):
        raise MalformedPayload("a status callback, not an inbound message")
    sid = flat.get("MessageSid") or flat.get("SmsMessageSid") or ""
    if not _SID.fullmatch(sid):
        raise MalformedPayload("MessageSid is missing or malformed")
    if "From" not in flat or "To" not in flat:
        raise MalformedPayload("From or To is missing")
    address = _address(flat["From"], channel, "From")
    _check_recipient(flat["To"], channel)

    body = flat.get("Body", "")
    media = _media(flat)
    kind, text, payload = Kind.TEXT, body, None
    location = None
    # Quick-reply buttons send ButtonPayload; list pickers are parsed defensively (ListId).
    button_id = flat.get("ButtonPayload") or flat.get("ListId")
    button_text = flat.get("ButtonText") or flat.get("ListTitle")
    if button_id or button_text:
        kind, payload, text = Kind.BUTTON, button_id or button_text, button_text or body
    elif "Latitude" in flat or "Longitude" in flat:
        latitude = _coordinate(flat.get("Latitude", ""), 90.0, "Latitude")
        longitude = _coordinate(flat.get("Longitude", ""), 180.0, "Longitude")
        kind, location = Kind.LOCATION, (latitude, longitude)
        text = body or flat.get("Label") or flat.get("Address") or ""
    elif any(ctype.lower().startswith(_VCARD_TYPES) for _, ctype in media):
        # WhatsApp delivers a shared contact as a vCard file; its number is inside that
        # file, which needs an authenticated fetch, so contact_phone stays unknown here.
        kind = Kind.CONTACT
    elif media:
        kind = Kind.MEDIA
    name = (flat.get("ProfileName") or None) if channel == "whatsapp" else None
    return [
        Inbound(
            address=address,
            provider_id=sid,
            kind=kind,
            text=text,
            payload=payload,
            name=name,
            media=media,
            location=location,
            raw=flat,
        )
    ]


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status Twilio reported for a message souk sent."""

    message_sid: str
    status: str  # queued, sent, delivered, read, undelivered, failed, ...
    error_code: str | None = None  # e.g. "63016", "21610"; only on failed/undelivered


def parse_status(request: HttpRequest) -> StatusUpdate:
    """The status callback in `request`; MalformedPayload if it has no valid sid or status."""
    flat = _flat(form_of(request))
    sid = flat.get("MessageSid") or flat.get("SmsSid") or ""
    if not _SID.fullmatch(sid):
        raise MalformedPayload("MessageSid is missing or malformed")
    status = (flat.get("MessageStatus") or flat.get("SmsStatus") or "").strip().lower()
    if not _STATUS.fullmatch(status):
        raise MalformedPayload("MessageStatus is missing or malformed")
    code = flat.get("ErrorCode", "").strip()
    if code and not code.isdigit():
        raise MalformedPayload("ErrorCode is not a number")
    return StatusUpdate(sid, status, code or None)


def compose_text(out: Outgoing, *, bold: bool = True) -> str:
    """`out` as one text: the message, numbered options ("1. Label"), then "label: url".

    With `bold=False` (SMS) WhatsApp's `*bold*` markers are removed: they would show.
    A right-to-left text gets right-to-left option lines (channels/bidi.py).
    """

    def plain(text: str) -> str:
        return text if bold else _BOLD.sub(r"\1", text)

    blocks = [plain(out.text.strip())] if out.text.strip() else []
    if out.options:
        # In a right-to-left reply the numbers sit on the right of every line.
        rtl = bidi.is_rtl(out.text)
        lines = (
            bidi.option_line(n, plain(option.label), rtl=rtl)
            for n, option in enumerate(out.options, 1)
        )
        blocks.append("\n".join(lines))
    if out.link and out.link[1] not in out.text:
        label, url = out.link[0].strip().rstrip(":"), out.link[1]
        blocks.append(f"{plain(label)}: {url}" if label else url)
    return "\n\n".join(blocks)
