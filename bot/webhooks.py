"""Provider webhooks: verify, parse, store, acknowledge (DESIGN.md rules 1 and 2).

A wrong or missing signature gets 403 and changes nothing; a malformed body 400; a
body over SOUK_MAX_WEBHOOK_BYTES 413; an update kind souk does not handle 200, logged;
a retry of a message already stored 200, not processed again. Every refusal is one
log line (never the body: it holds phone numbers and messages).
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from bot import inbox
from bot.app import current_runtime
from bot.console import live
from bot.delivery import record_status
from bot.errors import MalformedPayload, NotConfigured, PayloadTooLarge, WebhookError
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
    try:
        body = request.get_data(cache=True)
        form = request.form.to_dict(flat=False) if request.mimetype == (
            "application/x-www-form-urlencoded") else {}
    except RequestEntityTooLarge:
        raise PayloadTooLarge(f"body over {rt.settings.max_webhook_bytes} bytes") from None
    except BadRequest as exc:  # a form werkzeug cannot read, or a client gone mid-body
        raise MalformedPayload(f"unreadable body ({type(exc).__name__})") from None
    return HttpRequest(
        method=request.method,
        url=url,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        form=form,
    )


def refuse(exc: WebhookError, provider: str) -> Response:
    """The JSON answer for a refused request, logged in one line."""
    log.warning("webhook refused provider=%s status=%d reason=%s", provider, exc.status, exc)
    response = jsonify(error={"code": exc.code, "message": str(exc)})
    response.status_code = exc.status
    return response


def accept(messages: list[Inbound], provider: str, kind: str = "") -> None:
    """Store the messages, then queue their conversations for processing."""
    rt = current_runtime()
    if not messages:
        # Acknowledged all the same: a provider retries anything else, in a loop.
        log.info("webhook acknowledged, nothing to handle provider=%s kind=%s", provider,
                 kind or "?")
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
    return Response("", status=200)


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
    accept(messages, "telegram", "" if messages else _update_kind(req.body))
    return jsonify({})


def _update_kind(body: bytes) -> str:
    """What a Telegram update souk ignored was (`edited_message`, ...), for the log."""
    try:
        data = json.loads(body)
    except ValueError:
        return "?"
    kinds = [key for key in data if key != "update_id"] if isinstance(data, dict) else []
    kind = str(kinds[0])[:40] if kinds else "empty"
    item = data.get(kind) if kinds else None
    if kind in ("message", "callback_query") and isinstance(item, dict):
        message = item.get("message") if kind == "callback_query" else item
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict):
            return f"{kind} in a {str(chat.get('type'))[:20]} chat"
    return kind
