"""Provider webhooks: verify, parse, store, acknowledge (DESIGN.md rules 1 and 2).

A wrong or missing signature gets 403 and changes nothing; a malformed body 400;
an update kind souk does not handle 200, logged; a retry of a message already
stored 200, not processed again.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request

from bot import inbox
from bot.app import current_runtime
from bot.console import live
from bot.delivery import record_status
from bot.errors import NotConfigured, WebhookError
from channels.base import Channel, HttpRequest, Inbound
from workers.queues import enqueue_process

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def plain_request() -> HttpRequest:
    """Flask's request as the plain value adapters take, at the URL the provider called."""
    rt = current_runtime()
    url = rt.settings.public_base_url + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    body = request.get_data(cache=True)
    form = request.form.to_dict(flat=False) if request.mimetype == (
        "application/x-www-form-urlencoded") else {}
    return HttpRequest(
        method=request.method,
        url=url,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        form=form,
    )


def refuse(exc: WebhookError, provider: str) -> Response:
    log.warning("webhook refused provider=%s status=%d reason=%s", provider, exc.status, exc)
    response = jsonify(error={"code": type(exc).__name__, "message": str(exc)})
    response.status_code = exc.status
    return response


def accept(messages: list[Inbound], provider: str) -> None:
    """Store the messages, then queue their conversations for processing."""
    rt = current_runtime()
    if not messages:
        log.info("webhook acknowledged, nothing to handle provider=%s", provider)
        return
    for stored in inbox.store(rt.db, messages):
        if stored.new:
            enqueue_process(rt, stored.conversation_id)
            live.publish(rt, "inbound", stored.conversation_id)


def _channel(name: str) -> Channel:
    channel = current_runtime().channel(name)
    if channel is None:
        raise NotConfigured(f"{name} is not configured")
    return channel


@bp.post("/twilio")
def twilio() -> Response:
    """Inbound SMS and WhatsApp messages from Twilio."""
    from channels.twilio_common import channel_of

    try:
        req = plain_request()
        channel = _channel("sms")
        channel.verify(req)
        messages = _channel(channel_of(req.form)).parse(req)
    except WebhookError as exc:
        return refuse(exc, "twilio")
    accept(messages, "twilio")
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post("/twilio/status")
def twilio_status() -> Response:
    """Twilio's delivery status callbacks for messages we sent."""
    from channels.twilio_common import parse_status

    try:
        req = plain_request()
        _channel("sms").verify(req)
        status = parse_status(req)
    except WebhookError as exc:
        return refuse(exc, "twilio-status")
    record_status(current_runtime().db, status.message_sid, status.status, status.error_code)
    return Response("", status=204)


@bp.post("/telegram")
def telegram() -> Response:
    """Telegram updates: messages and button presses."""
    try:
        req = plain_request()
        channel = _channel("telegram")
        channel.verify(req)
        messages = channel.parse(req)
    except WebhookError as exc:
        return refuse(exc, "telegram")
    accept(messages, "telegram")
    return jsonify({})
