"""Merchant API for shoppers: consent (scope `customers`), export and erasure (`privacy`).

    PUT    /api/v1/customers/{address}/consent   record an opt-in or opt-out for a topic
    GET    /api/v1/customers/{address}/export    everything stored about the shopper
    DELETE /api/v1/customers/{address}           erase the shopper's personal data

`{address}` is a channel address such as `whatsapp:+5511987654321` (a `+` may be
sent as is or as `%2B`). Consent recorded here names the API key as its proof;
every change, export and erasure is audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import marshmallow as ma
from flask import g, request
from flask_smorest import Blueprint

from bot import audit, consent, inbox, privacy
from bot.api import abort_json
from bot.api.keys import require_scope
from bot.app import current_runtime
from bot.models import Customer, utcnow
from bot.privacy import ErasureBusy
from channels.base import Address

bp = Blueprint("customers", __name__, description="Shoppers' consent, data export and erasure.")

# The path parameter, documented with its shape (the route takes any text and answers a
# malformed address with 400 invalid_address).
ADDRESS = {
    "in": "path", "name": "address", "required": True,
    "description": "A channel address: `whatsapp:+5511987654321`, `sms:+14155550100`, "
                   "`telegram:123456789`.",
    "schema": {"type": "string",
               "pattern": r"^((whatsapp|sms):\+[1-9][0-9]{6,14}|telegram:-?[0-9]{1,20})$"},
    "example": "whatsapp:+5511987654321",
}
# A merchant's clock may run a little ahead of ours; further ahead is a mistake.
FUTURE_SKEW = timedelta(minutes=5)
API_SOURCES = ("api", "checkout", "agent", "shopper")


class ConsentIn(ma.Schema):
    """An opt-in or opt-out the merchant learned of (a storefront checkbox, a form)."""

    topic = ma.fields.String(required=True, validate=ma.validate.OneOf(consent.TOPICS))
    granted = ma.fields.Boolean(required=True, metadata={"description": "true: opt-in"})
    source = ma.fields.String(load_default="api", validate=ma.validate.OneOf(API_SOURCES),
                              metadata={"description": "Where the shopper said it."})
    time = ma.fields.AwareDateTime(load_default=None,
                                   metadata={"description": "When the shopper said it "
                                                            "(ISO 8601 with offset); now "
                                                            "if omitted."})


class ConsentEventSchema(ma.Schema):
    """One event of the consent ledger."""

    topic = ma.fields.String()
    granted = ma.fields.Boolean()
    channel = ma.fields.String(allow_none=True)
    source = ma.fields.String()
    proof = ma.fields.String(allow_none=True)
    at = ma.fields.String(metadata={"format": "date-time"})


class ConsentStateSchema(ma.Schema):
    """The consent in force, derived from the ledger."""

    stopped = ma.fields.Boolean(metadata={"description": "The shopper said STOP."})
    topics = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Boolean(allow_none=True),
                            metadata={"description": "Per topic: true, false, or null when "
                                                     "never asked."})
    allowed = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Boolean(),
                             metadata={"description": "Per topic: may a notification be "
                                                      "sent now."})


class ConsentOut(ma.Schema):
    """The event just recorded and the consent now in force."""

    customer_id = ma.fields.Integer()
    event = ma.fields.Nested(ConsentEventSchema)
    consent = ma.fields.Nested(ConsentStateSchema)


class ExportSchema(ma.Schema):
    """Everything stored about a shopper (format `souk.customer-export/1`)."""

    format = ma.fields.String()
    exported_at = ma.fields.String(metadata={"format": "date-time"})
    customer = ma.fields.Dict(metadata={"description": "id, name, locale, country, timezone, "
                                                       "created_at, erased_at"})
    addresses = ma.fields.List(ma.fields.Dict(), metadata={"description": "address, channel, "
                                                                          "created_at"})
    consent = ma.fields.Dict(metadata={"description": "current: the consent in force; "
                                                      "ledger: every event, oldest first"})
    conversations = ma.fields.List(ma.fields.Dict(),
                                   metadata={"description": "each with its messages"})
    orders = ma.fields.List(ma.fields.Dict(),
                            metadata={"description": "each with items, events, payments"})
    cart = ma.fields.Dict(allow_none=True)


class ErasureSchema(ma.Schema):
    """What an erasure changed."""

    customer_id = ma.fields.Integer()
    erased_at = ma.fields.String(metadata={"format": "date-time"})
    conversations = ma.fields.Integer()
    messages = ma.fields.Integer()
    orders = ma.fields.Integer()


def _address(raw: str) -> Address:
    try:
        return Address.parse(raw)
    except ValueError as exc:
        abort_json(400, "invalid_address", str(exc))


def _actor() -> str:
    return f"apikey:{g.api_key.name}"


@bp.route("/customers/<address>/consent", methods=["PUT"], parameters=[ADDRESS])
@require_scope("customers")
@bp.arguments(ConsentIn)
@bp.response(200, ConsentOut)
def put_consent(body: dict[str, Any], address: str) -> dict[str, Any]:
    """Record an opt-in or opt-out for a topic.

    The ledger keeps every event; the consent in force is the latest by `time`.
    A shopper's STOP still overrides every topic until they say START.
    """
    where = _address(address)
    at = body["time"] or utcnow()
    if at > utcnow() + FUTURE_SKEW:
        abort_json(400, "invalid_time", "time is in the future.")
    rt = current_runtime()
    with rt.db.session() as s:
        conv = inbox.conversation_for(s, where)
        event = consent.record(s, conv.customer_id, body["topic"], body["granted"],
                               source=body["source"], channel=where.channel,
                               proof=_actor()[:120], at=at)
        audit.record(s, _actor(), "consent.opt_in" if body["granted"] else "consent.opt_out",
                     f"customer:{conv.customer_id}", request.remote_addr,
                     {"topic": body["topic"], "source": body["source"]})
        return {"customer_id": conv.customer_id, "event": consent.to_json(event),
                "consent": consent.current(s, conv.customer_id)}


def _customer(s: Any, address: str) -> Customer:
    where = _address(address)
    customer = privacy.find_customer(s, str(where))
    if customer is None:
        abort_json(404, "not_found", f"No shopper with the address {where.masked()}.")
    return customer


@bp.route("/customers/<address>/export", methods=["GET"], parameters=[ADDRESS])
@require_scope("privacy")
@bp.response(200, ExportSchema)
def export_customer(address: str) -> dict[str, Any]:
    """Everything stored about a shopper, as JSON (audited)."""
    rt = current_runtime()
    with rt.db.session() as s:
        customer = _customer(s, address)
        data = privacy.export(s, customer)
        audit.record(s, _actor(), "customer.export", f"customer:{customer.id}",
                     request.remote_addr)
        return data


@bp.route("/customers/<address>", methods=["DELETE"], parameters=[ADDRESS])
@require_scope("privacy")
@bp.response(200, ErasureSchema)
def erase_customer(address: str) -> dict[str, Any]:
    """Erase a shopper's personal data; orders are kept, anonymised (audited)."""
    rt = current_runtime()
    with rt.db.session() as s:
        customer_id = _customer(s, address).id
    try:
        erased = privacy.erase(rt, customer_id, actor=_actor(), ip=request.remote_addr)
    except ErasureBusy as exc:
        abort_json(409, "busy", str(exc), {"Retry-After": "30"})
    return erased.to_json()
