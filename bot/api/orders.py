# flask-smorest has no type hints, so its route decorators are untyped.
# mypy: disallow-untyped-decorators=False
"""Merchant API: create an order for a shopper, read it, report what happens to it.

    POST /api/v1/orders                   create (201), or 409 when the number exists
    GET  /api/v1/orders/{number}          read, with its events
    POST /api/v1/orders/{number}/events   paid, shipped, ... (201; 200 for a repeat)

Each event is stored once and the shopper told when it is news to them and they
agreed to order updates (bot/orders/events.py).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent
from bot.api import abort_json
from bot.api.common import AddressField, Amount, at_most, errors
from bot.api.keys import require_scope
from bot.app import current_runtime
from bot.errors import InputError
from bot.models import Message, Order, OrderEvent, utcnow
from bot.money import from_minor
from bot.orders import apply_event
from bot.orders.create import NUMBER, TAG, Line, NewOrder, OrderExists, create_order
from bot.orders.status import EVENT_KINDS

bp = Blueprint("orders", __name__, description="Orders and what happens to them.")

# A carrier's clock may run a little ahead of ours; an event further ahead is a mistake.
FUTURE_SLACK = timedelta(hours=1)


class ItemIn(Schema):
    """One item of a new order, priced in the order's currency."""

    sku = fields.String(required=True, validate=validate.Length(1, 100))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100000))
    unit_price = Amount(required=True)
    options = fields.Dict(keys=fields.String(validate=validate.Length(1, 50)),
                          values=fields.String(validate=validate.Length(max=100)),
                          validate=at_most(20))


class CustomerIn(Schema):
    """What the merchant knows of the shopper."""

    name = fields.String(validate=validate.Length(1, 200))
    timezone = fields.String(validate=validate.Length(1, 64),
                             metadata={"example": "America/Sao_Paulo"})
    tags = fields.List(fields.String(validate=validate.Regexp(TAG)),
                       validate=validate.Length(max=20))


class OrderConsentIn(Schema):
    """Consent the merchant collected, e.g. a checkbox on the storefront."""

    order_updates = fields.Boolean(metadata={"description": "the shopper agreed to order "
                                             "updates (true) or refused them (false)"})
    marketing = fields.Boolean()


class OrderIn(Schema):
    """A new order for a shopper's address."""

    number = fields.String(validate=validate.Regexp(NUMBER), metadata={
        "description": "your order number; souk makes a short one when it is left out"})
    to = AddressField(required=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    items = fields.List(fields.Nested(ItemIn), load_default=list,
                        validate=validate.Length(max=100))
    shipping = Amount(load_default=Decimal(0))
    locale = fields.String(validate=validate.Length(2, 16), metadata={"example": "pt_BR"})
    expected_delivery = fields.Date()
    customer = fields.Nested(CustomerIn, load_default=dict)
    consent = fields.Nested(OrderConsentIn, load_default=dict)


class ItemOut(Schema):
    """An item of an order."""

    sku = fields.String()
    title = fields.String()
    quantity = fields.Integer()
    unit_price = fields.String()


class EventOut(Schema):
    """Something that happened to an order."""

    kind = fields.String()
    occurred_at = fields.DateTime()
    carrier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    tracking_url = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    source = fields.String()
    notified = fields.Boolean()


class OrderOut(Schema):
    """An order, its status and its events."""

    number = fields.String()
    status = fields.String(metadata={"enum": ["pending", "awaiting_payment", *EVENT_KINDS]})
    to = fields.String(allow_none=True)
    source = fields.String()
    currency = fields.String()
    subtotal = fields.String()
    shipping = fields.String()
    total = fields.String()
    items = fields.List(fields.Nested(ItemOut))
    carrier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    tracking_url = fields.String(allow_none=True)
    expected_delivery = fields.Date(allow_none=True)
    order_updates = fields.Boolean(allow_none=True, metadata={
        "description": "whether the shopper gets order updates; null: not asked yet"})
    created_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    events = fields.List(fields.Nested(EventOut))


class EventIn(Schema):
    """What happened to an order, and when."""

    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    occurred_at = fields.AwareDateTime(default_timezone=UTC, metadata={
        "description": "when it happened (default: now); a time without a zone is UTC"})
    carrier = fields.String(validate=validate.Length(1, 80))
    tracking_number = fields.String(validate=validate.Length(1, 80))
    tracking_url = fields.URL(schemes={"http", "https"}, validate=validate.Length(max=500))
    note = fields.String(validate=validate.Length(1, 2000))
    expected_delivery = fields.Date()

    @validates_schema
    def _not_in_the_future(self, data: dict[str, Any], **kwargs: Any) -> None:
        at = data.get("occurred_at")
        if at is not None and at > utcnow() + FUTURE_SLACK:
            raise ValidationError("is in the future", "occurred_at")


class NotificationOut(Schema):
    """The shopper's message about an event."""

    message_id = fields.Integer()
    status = fields.String()


class EventResult(Schema):
    """What reporting an event did."""

    order = fields.Nested(OrderOut)
    event = fields.Nested(EventOut)
    duplicate = fields.Boolean(metadata={"description": "the same kind at the same time was "
                                         "reported before; nothing changed"})
    notification = fields.Nested(NotificationOut, allow_none=True, metadata={
        "description": "the shopper's message about it, when the event was news to them; "
                       "GET /api/v1/messages/{id} tells whether it was sent"})


def order_json(s: Any, order: Order) -> dict[str, Any]:
    """An order as the API shows it."""
    def money(minor: int) -> str:
        return str(from_minor(minor, order.currency))

    latest = consent.latest(s, order.customer_id, "order_updates")
    return {
        **{k: getattr(order, k) for k in ("number", "status", "source", "currency", "carrier",
                                          "tracking_number", "tracking_url",
                                          "expected_delivery", "created_at", "paid_at")},
        "to": order.address,
        "subtotal": money(order.subtotal_minor),
        "shipping": money(order.shipping_minor),
        "total": money(order.total_minor),
        "items": [{"sku": i.sku, "title": i.title, "quantity": i.quantity,
                   "unit_price": money(i.unit_minor)} for i in order.items],
        "order_updates": None if latest is None else consent.allowed(
            s, order.customer_id, "order_updates"),
        "events": list(s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                                 .order_by(OrderEvent.occurred_at, OrderEvent.id))),
    }


def _find(s: Session, number: str) -> Order:
    order = s.scalar(select(Order).where(Order.number == number))
    if order is None:
        abort_json(404, "order_not_found", f"There is no order {number}.")
    return order


@bp.route("/orders", methods=["POST"])
@require_scope("orders")
@bp.arguments(OrderIn)
@bp.response(201, OrderOut)
@errors(bp, 400, 409, 422)
def create(data: dict[str, Any]) -> dict[str, Any]:
    """Create an order for a shopper's address."""
    rt = current_runtime()
    customer = data["customer"]
    new = NewOrder(
        address=data["to"], currency=data["currency"], number=data.get("number"),
        items=[Line(i["sku"], i["title"], i["quantity"], i["unit_price"], i.get("options"))
               for i in data["items"]],
        shipping=data["shipping"], locale=data.get("locale"), name=customer.get("name"),
        timezone=customer.get("timezone"), tags=customer.get("tags", ()),
        consent=data["consent"], expected_delivery=data.get("expected_delivery"),
    )
    try:
        with rt.db.session() as s:
            order = create_order(s, rt, new, proof=f"apikey:{g.api_key.name}")
            result = order_json(s, order)
    except OrderExists as exc:
        abort_json(409, "order_exists", str(exc))
    except InputError as exc:
        abort_json(422, "invalid_request", str(exc))
    return result


@bp.route("/orders/<string:number>", methods=["GET"])
@require_scope("orders")
@bp.response(200, OrderOut)
@errors(bp, 404)
def read(number: str) -> dict[str, Any]:
    """An order, its status and its events, oldest first."""
    with current_runtime().db.session() as s:
        return order_json(s, _find(s, number))


@bp.route("/orders/<string:number>/events", methods=["POST"])
@require_scope("orders")
@bp.arguments(EventIn)
@bp.response(201, EventResult)
@bp.alt_response(200, schema=EventResult, success=True,
                 description="The same event was reported before: nothing changed.")
@errors(bp, 400, 404, 422)
def add_event(data: dict[str, Any], number: str) -> tuple[dict[str, Any], int]:
    """Report what happened to an order; the shopper is told when it is news to them."""
    rt = current_runtime()
    with rt.db.session() as s:
        order = _find(s, number)
        applied = apply_event(
            s, order, data["kind"], source="api", occurred_at=data.get("occurred_at"),
            carrier=data.get("carrier"), tracking_number=data.get("tracking_number"),
            tracking_url=data.get("tracking_url"), note=data.get("note"),
            expected_delivery=data.get("expected_delivery"), rt=rt,
        )
        s.flush()
        note = applied.notification
        message = s.get(Message, note.message_id) if note is not None else None
        result = {
            "order": order_json(s, order),
            "event": applied.event,
            "duplicate": applied.duplicate,
            "notification": {"message_id": message.id, "status": message.status}
            if message is not None else None,
        }
    return result, 200 if applied.duplicate else 201

