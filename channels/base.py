"""The normalized message model and the adapter interface every channel implements.

A channel adapter is the only place that knows a provider's wire format. It takes a
plain `HttpRequest` value (never Flask's request), verifies it, parses it into
`Inbound` messages, renders channel-neutral `Outgoing` replies into what the
channel can show, and sends them through the provider's official SDK.

    provider webhook ─► verify(request) ─► parse(request) ─► [Inbound, ...]
    Outgoing ─► render(outgoing) ─► [part, ...] ─► send(address, part) ─► SendResult

Adapters never import `flows/` or `workers/`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

CHANNELS = ("whatsapp", "sms", "telegram", "web")
# The channels a simulated (web) conversation can look like.
STYLES = ("whatsapp", "sms", "telegram")


class Kind(str, enum.Enum):  # noqa: UP042 - str(Kind.TEXT) stays "Kind.TEXT"
    """What a shopper sent. Persisted: values never change without a migration."""

    TEXT = "text"
    BUTTON = "button"
    MEDIA = "media"
    LOCATION = "location"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Address:
    """A channel-qualified identity: `whatsapp:+5511987654321`, `telegram:42`.

    The simulator's addresses carry the channel they imitate:
    `web:whatsapp:+5511987654321`, `web:telegram:42`.
    """

    channel: str
    id: str

    @classmethod
    def parse(cls, text: str) -> Address:
        """Read `channel:id`; raise ValueError for anything else."""
        channel, sep, ident = text.strip().partition(":")
        channel = channel.lower()
        if not sep or channel not in CHANNELS or not ident:
            raise ValueError(f"not an address: {text!r} (expected e.g. whatsapp:+5511987654321)")
        if channel in ("whatsapp", "sms"):
            if not (ident.startswith("+") and ident[1:].isdigit() and 8 <= len(ident) <= 16):
                raise ValueError(f"not an E.164 phone number: {ident!r}")
        elif channel == "telegram":
            if not ident.lstrip("-").isdigit() or len(ident) > 20:
                raise ValueError(f"not a Telegram chat id: {ident!r}")
        elif channel == "web":
            inner = cls.parse(ident)
            if inner.channel == "web":
                raise ValueError(f"not an address: {text!r}")
        return cls(channel, ident)

    def __str__(self) -> str:
        return f"{self.channel}:{self.id}"

    @property
    def style(self) -> str:
        """The channel whose look and rules apply: the imitated one for the simulator."""
        if self.channel == "web":
            return self.id.partition(":")[0]
        return self.channel

    @property
    def phone(self) -> str | None:
        """The E.164 number behind the address, when it has one."""
        if self.channel in ("whatsapp", "sms"):
            return self.id
        if self.channel == "web":
            return Address.parse(self.id).phone
        return None

    def masked(self) -> str:
        """The address for logs and lists: `whatsapp:+55*******4321`."""
        ident = self.id
        if self.channel == "web":
            return f"web:{Address.parse(ident).masked()}"
        if len(ident) <= 4:
            return f"{self.channel}:****"
        keep = 3 if ident.startswith("+") else 0
        return f"{self.channel}:{ident[:keep]}{'*' * (len(ident) - keep - 4)}{ident[-4:]}"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a shopper, as every channel delivers it."""

    address: Address
    provider_id: str  # MessageSid / update_id: the idempotency key
    kind: Kind
    text: str = ""
    payload: str | None = None  # button or callback data; never packed into text
    name: str | None = None  # the shopper's display name, when the channel tells it
    language_hint: str | None = None  # Telegram's language_code
    media: tuple[tuple[str, str], ...] = ()  # (url, content type)
    location: tuple[float, float] | None = None
    contact_phone: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the shopper: a button, a list row or a numbered line."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Template:
    """An approved WhatsApp template (Twilio Content API) to send instead of free text."""

    content_sid: str
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A channel-neutral reply, already in the shopper's language."""

    text: str
    options: tuple[Option, ...] = ()
    as_list: bool = False  # many options: a list picker rather than buttons
    image_url: str | None = None
    link: tuple[str, str] | None = None  # (label, url)
    template: Template | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.options:
            data["options"] = [[o.label, o.payload] for o in self.options]
        if self.as_list:
            data["as_list"] = True
        if self.image_url:
            data["image_url"] = self.image_url
        if self.link:
            data["link"] = list(self.link)
        if self.template:
            data["template"] = {
                "content_sid": self.template.content_sid,
                "variables": dict(self.template.variables),
            }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outgoing:
        template = data.get("template")
        link = data.get("link")
        return cls(
            text=str(data.get("text", "")),
            options=tuple(Option(str(lbl), str(pl)) for lbl, pl in data.get("options", ())),
            as_list=bool(data.get("as_list", False)),
            image_url=data.get("image_url"),
            link=(str(link[0]), str(link[1])) if link else None,
            template=Template(template["content_sid"], dict(template.get("variables", {})))
            if template
            else None,
        )


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show; rendering degrades gracefully to what it can."""

    buttons: int = 0  # how many quick-reply buttons fit, 0 for none
    list_rows: int = 0  # rows in a list picker, 0 for none
    images: bool = False
    max_text: int = 4096
    templates: bool = False  # needs approved templates outside a service window


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the provider said when it accepted a message."""

    provider_id: str
    status: str = "sent"


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A provider's HTTP request as a plain value: what adapters verify and parse."""

    method: str
    url: str  # the public URL the provider called (PUBLIC_BASE_URL + path + query)
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes = b""
    form: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@runtime_checkable
class Channel(Protocol):
    """The adapter interface: verify, parse, render, send, capabilities."""

    name: str
    capabilities: Capabilities

    def verify(self, request: HttpRequest) -> None:
        """Raise BadSignature unless the request is signed by the provider."""

    def parse(self, request: HttpRequest) -> list[Inbound]:
        """Messages in the request; [] for an update kind souk does not handle.

        Raise MalformedPayload for a body that is not the provider's format.
        """

    def render(self, out: Outgoing) -> list[dict[str, Any]]:
        """The provider payloads that show `out` on this channel, in order."""

    def send(self, address: Address, part: Mapping[str, Any]) -> SendResult:
        """Send one rendered part; raise RetryableError or PermanentError on failure."""
