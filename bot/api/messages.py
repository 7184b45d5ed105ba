# flask-smorest has no type hints, so its route decorators are untyped.
# mypy: disallow-untyped-decorators=False
"""Merchant API: one notification to a shopper, campaigns to many, and what became of them.

    POST /api/v1/messages                 202 with the message's id, or 409 with why not
    GET  /api/v1/messages/{id}            its status, and the reason when it was not sent
    POST /api/v1/campaigns                202: to everyone opted in to marketing in a segment
    GET  /api/v1/campaigns/{id}           its progress
    POST /api/v1/campaigns/{id}/cancel    nothing more goes out

A notification is checked against the rules when it is asked for (409 when it may
not be sent: no consent, STOP, no template outside the WhatsApp window, quiet hours)
and again when it is sent, so a STOP in between still wins.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import campaigns, consent, i18n, notices
from bot.api import abort_json
from bot.api.common import AddressField, at_most, errors
from bot.api.keys import require_scope
from bot.app import current_runtime
from bot.models import Campaign, CampaignStatus, Conversation, Direction, Message, Outbox, utcnow
from bot.notices import Notice
from bot.orders.create import TAG
from bot.orders.notify import locale_of
from bot.rules import judge
from channels.base import Outgoing

bp = Blueprint("messages", __name__, description="Notifications and campaigns.")

MAX_ID = 2**63 - 1  # a larger id in the path names nothing, rather than overflow the database
STATUSES = ["pending", "scheduled", "sending", "sent", "delivered", "read", "undelivered",
            "failed", "dropped", "queued", "accepted"]
_VARIABLES = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,3}$")),
                         values=fields.String(validate=validate.Length(1, 1024)),
                         validate=at_most(100),
                         metadata={"description": "the template's ContentVariables",
                                   "example": {"1": "20%"}})


def _known_template(name: str | None) -> None:
    if name and name not in current_runtime().shop.templates:
        raise ValidationError(f"the shop file has no [templates.{name}]")


class MessageIn(Schema):
    """One notification for a shopper."""

    to = AddressField(required=True)
    topic = fields.String(required=True, validate=validate.OneOf(consent.TOPICS))
    text = fields.String(required=True, validate=validate.Length(1, 1600), metadata={
        "description": "what the shopper reads, in their language"})
    template = fields.String(validate=validate.Length(1, 64), metadata={
        "description": "the shop file's [templates.<name>] to send on WhatsApp outside the "
                       "24-hour window"})
    variables = _VARIABLES
    urgent = fields.Boolean(load_default=False, metadata={
        "description": "may be sent during the shopper's quiet hours"})
    quiet_hours = fields.String(load_default="refuse",
                                validate=validate.OneOf(("refuse", "deliver_later")),
                                metadata={"description": "during quiet hours: 409, or send "
                                          "when they end"})

    @validates("template")
    def _template(self, value: str, **kwargs: Any) -> None:
        _known_template(value)


class MessageOut(Schema):
    """A message and what became of it."""

    id = fields.Integer()
    to = fields.String()
    channel = fields.String()
    topic = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": STATUSES})
    reason = fields.String(allow_none=True, metadata={
        "description": "why it was not sent (yet), for people"})
    error_code = fields.String(allow_none=True, metadata={
        "description": "the same for programs (no_consent, no_template, ...) or the provider's"})
    template = fields.String(allow_none=True, metadata={"description": "Content SID sent"})
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    status_at = fields.DateTime(allow_none=True)


class SegmentIn(Schema):
    """Who a campaign is for; a list left out or empty means anyone."""

    countries = fields.List(fields.String(validate=validate.Regexp(r"^[A-Za-z]{2}$")),
                            validate=validate.Length(max=300), load_default=list)
    languages = fields.List(fields.String(validate=validate.Length(2, 16)),
                            validate=validate.Length(max=50), load_default=list)
    channels = fields.List(fields.String(validate=validate.OneOf(campaigns.CHANNELS)),
                           load_default=list)
    tags = fields.List(fields.String(validate=validate.Regexp(TAG)),
                       validate=validate.Length(max=50), load_default=list)

    @validates("languages")
    def _languages(self, value: list[str], **kwargs: Any) -> None:
        unknown = [v for v in value if i18n.negotiate(v) is None]
        if unknown:
            raise ValidationError(f"not languages souk speaks: {', '.join(unknown)}")


class CampaignIn(Schema):
    """A message to every shopper opted in to marketing in a segment."""

    name = fields.String(required=True, validate=validate.Length(1, 100))
    text = fields.Dict(keys=fields.String(validate=validate.Length(2, 16)),
                       values=fields.String(validate=validate.Length(1, 1600)),
                       required=True, validate=at_most(20),
                       metadata={"description": "what shoppers read, by language",
                                 "example": {"en": "Spring sale: 20% off tents this week.",
                                             "pt_BR": "Promoção: 20% off em barracas."}})
    template = fields.String(validate=validate.Length(1, 64))
    variables = _VARIABLES
    segment = fields.Nested(SegmentIn, load_default=dict)
    send_at = fields.AwareDateTime(metadata={"description": "when to start (default: now)"})

    @validates("template")
    def _template(self, value: str, **kwargs: Any) -> None:
        _known_template(value)

    @validates("text")
    def _texts(self, value: dict[str, str], **kwargs: Any) -> None:
        if not value:
            raise ValidationError("give the text in at least one language")
        try:
            campaigns.normalize_texts(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class ProgressOut(Schema):
    """A campaign's recipients by what became of their message."""

    pending = fields.Integer()
    scheduled = fields.Integer()
    sent = fields.Integer()
    delivered = fields.Integer()
    read = fields.Integer()
    failed = fields.Integer()
    dropped = fields.Integer()


class CampaignOut(Schema):
    """A campaign and its progress."""

    id = fields.Integer()
    name = fields.String()
    status = fields.String(metadata={"enum": ["scheduled", "running", "sending", "done",
                                              "cancelled"]})
    template = fields.String(allow_none=True)
    segment = fields.Dict()
    send_at = fields.DateTime()
    recipients = fields.Integer()
    progress = fields.Nested(ProgressOut)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    queued_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)


def message_json(s: Any, message: Message) -> dict[str, Any]:
    """A message's delivery status as the API shows it."""
    row = s.scalar(select(Outbox).where(Outbox.message_id == message.id))
    template = (message.content or {}).get("template") or {}
    return {
        "id": message.id, "to": message.conversation.address, "channel": message.channel,
        "topic": message.topic, "kind": ((message.meta or {}).get("notice") or {}).get("kind"),
        "status": message.status, "reason": message.error_message,
        "error_code": message.error_code, "template": template.get("content_sid"),
        "created_at": message.created_at, "sent_at": message.sent_at,
        "status_at": message.status_at,
        "due_at": row.due_at if row is not None and message.status in (
            "pending", "scheduled") else None,
    }


def campaign_json(s: Any, campaign: Campaign) -> dict[str, Any]:
    """A campaign and its progress."""
    counts = campaigns.progress(s, campaign)
    status = campaign.status
    if status == CampaignStatus.QUEUED.value:
        status = "sending" if counts["pending"] + counts["scheduled"] else "done"
    return {**{k: getattr(campaign, k) for k in (
        "id", "name", "template", "segment", "send_at", "recipients", "created_at",
        "started_at", "queued_at", "cancelled_at")}, "status": status, "progress": counts}


@bp.route("/messages", methods=["POST"])
@require_scope("messages")
@bp.arguments(MessageIn)
@bp.response(202, MessageOut)
@errors(bp, 400, 409, 422)
def send(data: dict[str, Any]) -> dict[str, Any]:
    """Send one notification to a shopper, if the rules allow it now."""
    rt = current_runtime()
    now = utcnow()
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == str(data["to"])))
        if conv is None:
            abort_json(409, "no_consent", "This shopper never wrote to the shop, so there is "
                                          f"no {data['topic']} consent from them.")
        locale = locale_of(rt.shop, conv)
        notice = Notice(kind="note", locale=locale, template=data.get("template"),
                        variables=dict(data.get("variables") or {}), urgent=data["urgent"])
        reply = Outgoing(text=data["text"])
        # The same rules as at send time, judged on the message it would be.
        draft = Message(requested=False, topic=data["topic"], content=reply.to_json(),
                        meta={"notice": notice.to_json()}, created_at=now)
        verdict = judge(s, draft, conv, now, rt.shop)
        if verdict.hold_until is not None and data["quiet_hours"] == "refuse":
            abort_json(409, "quiet_hours", f"It is quiet hours for this shopper until "
                                           f"{verdict.hold_until.isoformat()}; send it then, "
                                           "or ask for quiet_hours=deliver_later.")
        if verdict.code is not None:
            abort_json(409, verdict.code, f"This message may not be sent: {verdict.reason}.")
        row = notices.write(s, rt, conv, reply, notice, topic=data["topic"],
                            meta={"apikey": g.api_key.name})
        return message_json(s, row.message)


@bp.route("/messages/<int:message_id>", methods=["GET"])
@require_scope("messages")
@bp.response(200, MessageOut)
@errors(bp, 404)
def status(message_id: int) -> dict[str, Any]:
    """What became of a message souk sent or was asked to send."""
    with current_runtime().db.session() as s:
        message = s.get(Message, message_id) if message_id <= MAX_ID else None
        if message is None or message.direction != Direction.OUT.value:
            abort_json(404, "message_not_found", f"There is no message {message_id}.")
        return message_json(s, message)


@bp.route("/campaigns", methods=["POST"])
@require_scope("messages")
@bp.arguments(CampaignIn)
@bp.response(202, CampaignOut)
@errors(bp, 400, 422)
def create_campaign(data: dict[str, Any]) -> dict[str, Any]:
    """Send a message to every shopper opted in to marketing in a segment, now or later."""
    rt = current_runtime()
    seg = data["segment"]
    segment = campaigns.Segment(
        countries=tuple(sorted({c.upper() for c in seg.get("countries", ())})),
        languages=tuple(sorted({str(i18n.negotiate(v)) for v in seg.get("languages", ())})),
        channels=tuple(sorted(set(seg.get("channels", ())))),
        tags=tuple(sorted(set(seg.get("tags", ())))),
    )
    with rt.db.session() as s:
        campaign = campaigns.create(
            s, rt, name=data["name"], texts=campaigns.normalize_texts(data["text"]),
            segment=segment, template=data.get("template"), variables=data.get("variables"),
            send_at=data.get("send_at"), created_by=g.api_key.name,
        )
        return campaign_json(s, campaign)


def _campaign(s: Session, campaign_id: int) -> Campaign:
    campaign = s.get(Campaign, campaign_id) if campaign_id <= MAX_ID else None
    if campaign is None:
        abort_json(404, "campaign_not_found", f"There is no campaign {campaign_id}.")
    return campaign


@bp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@require_scope("messages")
@bp.response(200, CampaignOut)
@errors(bp, 404)
def campaign_status(campaign_id: int) -> dict[str, Any]:
    """A campaign's progress: recipients by what became of their message."""
    with current_runtime().db.session() as s:
        return campaign_json(s, _campaign(s, campaign_id))


@bp.route("/campaigns/<int:campaign_id>/cancel", methods=["POST"])
@require_scope("messages")
@bp.response(200, CampaignOut)
@errors(bp, 404)
def cancel_campaign(campaign_id: int) -> dict[str, Any]:
    """Stop a campaign: what has not gone out yet never will."""
    with current_runtime().db.session() as s:
        campaign = _campaign(s, campaign_id)
        campaigns.cancel(s, campaign)
        return campaign_json(s, campaign)
