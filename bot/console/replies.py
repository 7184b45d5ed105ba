"""An agent's reply: through the outbox, with the channel's rules checked first.

The send job checks the rules again at send time (bot/rules.py); the console checks
them before queuing so the agent learns at once why a reply cannot go, instead of
finding it dropped: only the agent holding the conversation may answer; nothing
goes to a shopper who said STOP; on WhatsApp, more than 24 hours after the
shopper's last message only an approved template is delivered, so the console
says so and offers the shop's templates (shop file [templates.<kind>]).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot import consent
from bot.console import live
from bot.console.takeover import AGENT, Conflict, open_handoff
from bot.errors import InputError
from bot.models import Agent, Conversation, Message, utcnow
from bot.rules import WHATSAPP_WINDOW
from bot.runtime import Runtime
from bot.shop import Shop
from channels.base import Outgoing, Template
from workers.jobs import add_reply
from workers.queues import enqueue_send

log = logging.getLogger(__name__)

MAX_TEXT = 1600  # Twilio's limit for one message body
MAX_VARIABLE = 200


def window_closes_at(conv: Conversation) -> datetime | None:
    """When the WhatsApp 24-hour window of this conversation closes (None: not WhatsApp)."""
    if conv.channel != "whatsapp" or conv.last_inbound_at is None:
        return None
    return conv.last_inbound_at + WHATSAPP_WINDOW


def needs_template(conv: Conversation, now: datetime) -> bool:
    """Whether only an approved template can reach this shopper now."""
    if conv.channel != "whatsapp":
        return False
    closes = window_closes_at(conv)
    return closes is None or now > closes


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    """A template the agent may send: its kind (shop file) and Content SID for the locale."""

    kind: str
    content_sid: str


def templates_for(shop: Shop, locale: str | None) -> list[TemplateChoice]:
    """The shop's templates in the shopper's language (else the shop's), by kind."""
    found = []
    for kind in sorted(shop.templates):
        sid = shop.template(kind, locale or "") or shop.template(kind, shop.default_locale)
        if sid:
            found.append(TemplateChoice(kind, sid))
    return found


@dataclass(frozen=True, slots=True)
class Reply:
    """What the agent asked to send: free text, or a template with its variables."""

    text: str = ""
    template_kind: str | None = None
    variables: Mapping[str, str] | None = None


def _outgoing(rt: Runtime, conv: Conversation, reply: Reply, now: datetime) -> Outgoing:
    if reply.template_kind:
        choice = next((t for t in templates_for(rt.shop, conv.locale)
                       if t.kind == reply.template_kind), None)
        if choice is None or conv.channel != "whatsapp":
            raise InputError("There is no such template for this conversation.")
        variables = {k: v.strip()[:MAX_VARIABLE] for k, v in (reply.variables or {}).items()
                     if v.strip()}
        return Outgoing(text=f"Template {choice.kind}",
                        template=Template(choice.content_sid, variables))
    text = reply.text.strip()
    if not text:
        raise InputError("Write a reply first.")
    if len(text) > MAX_TEXT:
        raise InputError(f"A reply may have at most {MAX_TEXT} characters.")
    if needs_template(conv, now):
        raise Conflict("The shopper's last WhatsApp message is more than 24 hours old: "
                       "WhatsApp delivers only an approved template now.")
    return Outgoing(text=text)


def send_reply(rt: Runtime, conversation_id: int, agent: Agent, reply: Reply) -> int:
    """Queue the agent's reply on the shopper's channel; the outbox row's id."""
    now = utcnow()
    with rt.db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            raise InputError("There is no such conversation.")
        if conv.status != AGENT or conv.assigned_agent_id != agent.id:
            raise Conflict("Take the conversation over before you answer in it.")
        if consent.stopped(s, conv.customer_id):
            raise Conflict("The shopper replied STOP: they get no messages until they "
                           "write START.")
        row = add_reply(s, rt, conv, _outgoing(rt, conv, reply, now), author="agent")
        message = s.get(Message, row.message_id)
        assert message is not None
        message.meta = {"agent_id": agent.id}
        handoff = open_handoff(s, conv.id)
        if handoff is not None and handoff.first_response_at is None:
            handoff.first_response_at = now
        live.publish_after_commit(s, rt, "message", conv.id)
        row_id = row.id
    enqueue_send(rt, row_id)
    log.info("agent reply queued conversation=%s agent=%s outbox=%s", conversation_id,
             agent.id, row_id)
    return row_id
