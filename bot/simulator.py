"""The shopper simulator at `/`: chat as a WhatsApp, Telegram or SMS shopper.

Its messages go through the same pipeline as real ones (store, queue, process,
outbox, send); the `web` channel delivers the replies here, rendered as the
imitated channel shows them.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from sqlalchemy import select

from bot.app import current_runtime
from bot.models import Conversation, Message
from bot.webhooks import accept
from channels.base import Address, Inbound, Kind

log = logging.getLogger(__name__)

bp = Blueprint("simulator", __name__)

MAX_TEXT = 1600
HIDDEN = ("pending", "sending", "dropped")


def _error(code: str, message: str, status: int = 400) -> Response:
    log.info("simulator refused status=%d code=%s", status, code)
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def _address(raw: Any) -> Address:
    """The web address imitating `raw` (whatsapp:+…, sms:+…, telegram:…)."""
    inner = Address.parse(str(raw or ""))
    if inner.channel == "web":
        raise ValueError(
            "give the address of the channel to imitate, e.g. whatsapp:+5511987654321"
        )
    return Address("web", str(inner))


@bp.get("/")
def page() -> str:
    """The simulator page."""
    return render_template("simulator.html")


@bp.post("/simulator/api/messages")
def send() -> Response:
    """A shopper's message from the simulator, into the pipeline."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error("invalid_json", "Send a JSON object with address and text.")
    try:
        address = _address(data.get("address"))
    except ValueError as exc:
        return _error("invalid_address", str(exc))
    text = data.get("text", "")
    payload = data.get("payload")
    if not isinstance(text, str) or (payload is not None and not isinstance(payload, str)):
        return _error("invalid_message", "text and payload must be strings.")
    text = text.strip()[:MAX_TEXT]
    if not text and not payload:
        return _error("empty_message", "Write something first.")
    name = data.get("name") if isinstance(data.get("name"), str) else None
    message = Inbound(
        address=address,
        provider_id=f"web-{uuid.uuid4().hex}",
        kind=Kind.BUTTON if payload else Kind.TEXT,
        text=text,
        payload=payload[:256] if payload else None,
        name=name,
    )
    accept([message], "web")
    response = jsonify(status="accepted")
    response.status_code = 202
    return response


@bp.get("/simulator/api/messages")
def transcript() -> Response:
    """The conversation so far, replies rendered as the imitated channel shows them."""
    try:
        address = _address(request.args.get("address"))
        after = int(request.args.get("after", "0"))
    except ValueError as exc:
        return _error("invalid_query", str(exc))
    rt = current_runtime()
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == str(address)))
        if conv is None:
            return jsonify(messages=[], cursor=after)
        rows = s.scalars(
            select(Message)
            .where(Message.conversation_id == conv.id, Message.id > after)
            .order_by(Message.id)
        ).all()
        style = address.style
        shown = [m for m in rows if m.direction == "in" or m.status not in HIDDEN]
        waiting = [m.id for m in rows
                   if m.direction == "out" and m.status in ("pending", "sending")]
        # Replies still in the outbox are fetched again next time, in their place.
        cursor = min(waiting) - 1 if waiting else (rows[-1].id if rows else after)
        messages = [
            {
                "id": m.id,
                "direction": m.direction,
                "author": m.author,
                "text": m.body,
                "status": m.status,
                "parts": _parts(m.parts, style) if m.direction == "out" else None,
                "at": m.created_at.isoformat(),
            }
            for m in shown
            if m.id <= cursor or m.direction == "in"
        ]
    return jsonify(messages=messages, cursor=cursor)


def _parts(parts: list[Any] | None, style: str) -> list[Any]:
    if not parts:
        return []
    first = parts[0]
    if isinstance(first, dict) and "styles" in first:
        return list(first["styles"].get(style, []))
    return list(parts)
