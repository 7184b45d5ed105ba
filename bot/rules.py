"""Rules checked at send time (DESIGN.md rule 4): a STOP that arrives after a message
was queued still wins.

For every outbound message, in this order:
1. STOP: after a STOP, nothing the shopper did not ask for (a notification or a
   campaign); anything queued before the STOP, replies included; a person's message
   (an agent in the console) only if the shopper has written since the STOP, since a
   takeover does not reopen a closed door; and on SMS only the bot's own answers (the
   STOP confirmation, HELP, START), as carriers allow.
2. Consent: a notification on a topic (`order_updates`, `marketing`) needs the
   shopper's consent to that topic (bot/consent.py).
3. A cancelled campaign sends nothing more.
4. Quiet hours: a notification that is not urgent waits until they end in the
   shopper's time zone (bot/quiet.py).
5. The WhatsApp 24-hour window: outside it only an approved template may be sent.
   A notification goes as its template for its locale (bot/notices.py); with none,
   it is not sent and the reason is recorded on the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent
from bot.models import Campaign, CampaignStatus, ConsentEvent, Conversation, Message
from bot.notices import Notice, template_sid
from bot.quiet import quiet_until, shopper_zones
from bot.shop import Shop
from channels.base import Address, Channel, Outgoing, Template

if TYPE_CHECKING:
    from bot.runtime import Runtime

WHATSAPP_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What may happen to a message now: send it (maybe as a template), hold it, or not."""

    code: str | None = None  # why not, for programs: opted_out, no_consent, no_template...
    reason: str | None = None  # the same for people
    hold_until: datetime | None = None  # not now, but then (quiet hours)
    template: Template | None = None  # send this approved template instead of the text

    @property
    def ok(self) -> bool:
        """Whether the message may go (now, or when held, then)."""
        return self.code is None

    @classmethod
    def refuse(cls, code: str, reason: str) -> Verdict:
        """A verdict that the message may not be sent, and why."""
        return cls(code=code, reason=reason)


def style_of(conv: Conversation) -> str:
    """The channel whose rules apply: the imitated one for the simulator's conversations."""
    if conv.channel == "web":
        return conv.address.split(":")[1] if conv.address.count(":") >= 2 else "web"
    return conv.channel


def _answers(s: Session, customer_id: int, topics: tuple[str, ...]) -> dict[str, ConsentEvent]:
    """The shopper's latest answer on each topic, in one query (as bot/consent.py orders them)."""
    found: dict[str, ConsentEvent] = {}
    for event in s.scalars(select(ConsentEvent).where(
            ConsentEvent.customer_id == customer_id, ConsentEvent.topic.in_(topics))
            .order_by(ConsentEvent.created_at.desc(), ConsentEvent.id.desc())):
        found.setdefault(event.topic, event)
    return found


def judge(
    s: Session, message: Message, conv: Conversation, now: datetime, shop: Shop | None = None
) -> Verdict:
    """What the rules allow for `message` now. Without `shop`, no templates or quiet hours."""
    topic = message.topic if not message.requested and message.topic in consent.TOPICS else None
    # Since the first STOP of the shopper's current opt-out: a second STOP does not
    # turn the confirmation of the first into "queued before the STOP".
    stop_at = consent.stopped_since(s, conv.customer_id)
    if stop_at is not None:
        if not message.requested:
            return Verdict.refuse("opted_out", "opted out")
        if message.created_at < stop_at:
            return Verdict.refuse("opted_out", "opted out after this message was queued")
        if message.author != "bot":
            if style_of(conv) == "sms":
                return Verdict.refuse(
                    "opted_out", "opted out: on SMS only answers to START and HELP are sent")
            last = conv.last_inbound_at
            if last is None or last <= stop_at:
                return Verdict.refuse(
                    "opted_out", "opted out: the shopper has not written since STOP")
    answers = _answers(s, conv.customer_id, (topic,)) if topic else {}
    if topic is not None and not (topic in answers and answers[topic].granted):
        return Verdict.refuse("no_consent", f"no consent to {topic}")
    meta = message.meta or {}
    campaign_id = meta.get("campaign")
    if campaign_id is not None:
        campaign = s.get(Campaign, campaign_id)
        if campaign is None or campaign.status == CampaignStatus.CANCELLED.value:
            return Verdict.refuse("campaign_cancelled", "the campaign was cancelled")
    notice = Notice.from_json(meta["notice"]) if isinstance(meta.get("notice"), dict) else None
    if shop is not None and notice is not None and not message.requested and not notice.urgent:
        address = Address.parse(conv.address)
        zones = shopper_zones(shop, conv.customer.timezone, address.phone)
        until = quiet_until(now, zones, shop.quiet_start, shop.quiet_end)
        if until is not None:
            return Verdict(hold_until=until, reason="quiet hours in the shopper's time zone")
    if conv.channel == "whatsapp" and not (message.content or {}).get("template"):
        last = conv.last_inbound_at
        if last is None or now - last > WHATSAPP_WINDOW:
            sid = template_sid(shop, notice.template, notice.locale) if shop and notice else None
            if sid is None:
                what = (f" for {notice.template} in {notice.locale}" if notice and notice.template
                        else " was given" if notice else "")
                return Verdict.refuse(
                    "no_template", f"outside the WhatsApp 24-hour window and no template{what}"
                )
            assert notice is not None
            return Verdict(template=Template(sid, dict(notice.variables)))
    return Verdict()


def prepare(
    s: Session, rt: Runtime, message: Message, conv: Conversation, now: datetime
) -> Verdict:
    """Judge `message` for sending now and, if it must go as a template, make it one."""
    verdict = judge(s, message, conv, now, rt.shop)
    if verdict.ok and verdict.template is not None:
        use_template(message, verdict.template, rt.channel(Address.parse(conv.address).channel))
    return verdict


def blocked(s: Session, message: Message, conv: Conversation, now: datetime) -> str | None:
    """Why `message` may not be sent now, or None when it may (no templates, no holds)."""
    verdict = judge(s, message, conv, now)
    return None if verdict.ok else verdict.reason


def use_template(message: Message, template: Template, channel: Channel | None) -> None:
    """Turn `message` into its approved template, re-rendered for the channel."""
    content = {**(message.content or {}), "template": {
        "content_sid": template.content_sid, "variables": dict(template.variables)}}
    message.content = content
    out = Outgoing.from_json(content)
    message.parts = channel.render(out) if channel is not None else [content]
