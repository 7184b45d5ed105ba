"""The orders API end to end over real HTTP: every error, and what shoppers receive."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.api.keys import create_key
from bot.models import ApiKey, Conversation, Message, Order, OrderEvent
from tests.integration.live_api import Api, api_fixture, live_fixture  # noqa: F401
from tests.support import post_twilio, run_jobs, twilio_form

SHOPPER = "whatsapp:+5511987654321"


@pytest.fixture(autouse=True)
def no_quiet_hours(rt) -> None:  # type: ignore[no-untyped-def]
    """Not about quiet hours: without this, what is sent would depend on the hour of the run."""
    rt.shop = dataclasses.replace(rt.shop, quiet_start=None, quiet_end=None)


def order_body(number: str = "1042", **extra: object) -> dict[str, object]:
    return {"number": number, "to": SHOPPER, "currency": "BRL", "consent": {
        "order_updates": True}, "items": [{"sku": "TENT-2P", "title": "Barraca", "quantity": 1,
                                           "unit_price": "899.90"}], **extra}


def sent_to(fake, address: str = SHOPPER) -> list:  # type: ignore[no-untyped-def]
    return [m for m in fake.messages if m.to == address]


def counts(rt) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(t)) or 0)  # type: ignore[return-value]
                     for t in (Order, OrderEvent, Message))


def shopper_writes(rt, client, fake, text: str = "oi") -> None:  # type: ignore[no-untyped-def]
    """The shopper writes first, so the WhatsApp window is open."""
    assert post_twilio(client, fake.auth_token, twilio_form(SHOPPER, text)).status_code == 200
    run_jobs(rt)


def test_every_error_is_a_clear_4xx_that_changes_nothing(api: Api, rt) -> None:  # type: ignore[no-untyped-def]
    assert api.post("/orders", order_body()).status_code == 201
    before = counts(rt)
    catalog_key = create_key(rt.db, "storefront", ["catalog"])
    cases = [
        (api.post("/orders/1042/events", {"kind": "paid"}, key=""), 401, "unauthorized"),
        (api.post("/orders/1042/events", {"kind": "paid"}, key="souk_nope"), 401,
         "unauthorized"),
        (api.post("/orders/1042/events", {"kind": "paid"}, key=catalog_key), 403, "forbidden"),
        (api.post("/orders/9999/events", {"kind": "paid"}), 404, "order_not_found"),
        (api.get("/orders/9999"), 404, "order_not_found"),
        (api.post("/orders/1042/events", {"kind": "teleported"}), 422, "invalid_request"),
        (api.post("/orders/1042/events", {"kind": "paid", "occurred_at": "2999-01-01T00:00Z"}),
         422, "invalid_request"),
        (api.post("/orders/1042/events", {"kind": "shipped", "tracking_url": "ftp://x"}), 422,
         "invalid_request"),
        (api.call("POST", "/orders/1042/events", content='{"kind": "paid"',
                  headers={"Content-Type": "application/json"}), 400, "malformed_json"),
        (api.post("/orders", order_body()), 409, "order_exists"),
        (api.post("/orders", order_body("1043", to="whatsapp:5511")), 422, "invalid_request"),
        (api.post("/orders", order_body("1043", currency="XYZ")), 422, "invalid_request"),
        (api.post("/orders", order_body("1043", items=[{"sku": "A", "title": "A",
                                                        "quantity": 1, "unit_price": "1e400"}])),
         422, "invalid_request"),
        (api.post("/orders", order_body("has space")), 422, "invalid_request"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (response.request.url, response.text)
        assert response.headers["content-type"] == "application/json"
        error = response.json()["error"]
        assert error["code"] == code and error["message"]
    assert cases[5][0].json()["error"]["details"]["kind"]
    assert counts(rt) == before


def test_an_order_is_created_for_an_address_and_read_back(api: Api, rt) -> None:  # type: ignore[no-untyped-def]
    body = order_body(shipping="19.00", expected_delivery="2026-12-12")
    del body["number"]
    created = api.post("/orders", body)
    assert created.status_code == 201
    order = created.json()
    assert order["number"].isdigit() and len(order["number"]) == 6
    assert (order["total"], order["status"], order["order_updates"]) == ("918.90", "pending",
                                                                          True)
    assert api.get(f"/orders/{order['number']}").json() == order
    with rt.db.session() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.name == "erp"))
        assert key is not None and key.last_used_at is not None


def test_the_same_event_twice_notifies_once_and_late_events_move_nothing(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio,
) -> None:
    shopper_writes(rt, client, fake_twilio)
    api.post("/orders", order_body())
    shipped = {"kind": "shipped", "occurred_at": "2026-10-04T12:10:00Z", "carrier": "Correios",
               "tracking_number": "BR123456789BR"}
    first = api.post("/orders/1042/events", shipped)
    again = api.post("/orders/1042/events", shipped)
    rescan = api.post("/orders/1042/events", {**shipped, "occurred_at": "2026-10-04T13:00Z"})
    assert (first.status_code, again.status_code, rescan.status_code) == (201, 200, 201)
    assert first.json()["notification"] is not None
    assert again.json()["duplicate"] is True and again.json()["notification"] is None
    assert rescan.json()["notification"] is None  # same status, same tracking: no news
    delivered = api.post("/orders/1042/events", {"kind": "delivered",
                                                 "occurred_at": "2026-10-09T10:00Z"})
    late = api.post("/orders/1042/events", {"kind": "in_transit",
                                            "occurred_at": "2026-10-06T10:00Z"})
    assert late.status_code == 201 and late.json()["notification"] is None
    assert late.json()["order"]["status"] == "delivered"
    assert [e["kind"] for e in late.json()["order"]["events"]] == [
        "shipped", "shipped", "in_transit", "delivered"]
    run_jobs(rt)
    bodies = [m.body or "" for m in sent_to(fake_twilio)][1:]  # after the greeting
    assert len(bodies) == 3, bodies  # shipped, delivered, and the feedback question
    assert "BR123456789BR" in bodies[0] and "1042" in bodies[1]
    status = api.get(f"/messages/{delivered.json()['notification']['message_id']}").json()
    assert status["status"] == "queued" and status["kind"] == "delivered"


def test_outside_the_window_the_template_goes_or_nothing_and_the_reason_shows(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio,
) -> None:
    shopper_writes(rt, client, fake_twilio)
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == SHOPPER))
        conv.last_inbound_at -= timedelta(hours=25)
    api.post("/orders", order_body())
    shipped = api.post("/orders/1042/events", {"kind": "shipped", "carrier": "Correios",
                                               "tracking_url": "https://t.example/BR1"})
    run_jobs(rt)
    rt.shop = dataclasses.replace(rt.shop, templates={})  # the shop has no approved templates
    problem = api.post("/orders/1042/events", {"kind": "exception", "note": "Nobody home"})
    run_jobs(rt)
    [template] = sent_to(fake_twilio)[1:]
    assert template.get("ContentSid") == "HX02030000000000000000000000000000"
    assert template.content_variables == {"1": "1042", "2": "Correios",
                                          "3": "https://t.example/BR1"}
    assert api.get(f"/messages/{shipped.json()['notification']['message_id']}").json()[
        "template"] == "HX02030000000000000000000000000000"
    dropped = api.get(f"/messages/{problem.json()['notification']['message_id']}").json()
    assert (dropped["status"], dropped["error_code"]) == ("dropped", "no_template")
    assert "24-hour window" in dropped["reason"] and "exception" in dropped["reason"]


def test_without_consent_or_after_stop_nothing_is_sent(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio,
) -> None:
    shopper_writes(rt, client, fake_twilio)
    api.post("/orders", order_body(consent={"order_updates": False}))
    paid = api.post("/orders/1042/events", {"kind": "paid"}).json()["notification"]
    run_jobs(rt)
    shopper_writes(rt, client, fake_twilio, "STOP")
    api.post("/orders", order_body("1043", consent={"order_updates": True}))
    shipped = api.post("/orders/1043/events", {"kind": "shipped"}).json()["notification"]
    run_jobs(rt)
    bodies = [m.body or "" for m in sent_to(fake_twilio)]
    assert len(bodies) == 2 and "STOP" not in bodies[1]  # the greeting and the STOP reply
    assert api.get(f"/messages/{paid['message_id']}").json()["error_code"] == "no_consent"
    assert api.get(f"/messages/{shipped['message_id']}").json()["error_code"] == "opted_out"


def test_checkout_reports_payment_through_the_same_door_and_the_shopper_is_asked(  # type: ignore[no-untyped-def]
    rt, fake_twilio,
) -> None:
    from bot.inbox import conversation_for
    from bot.orders import apply_event
    from channels.base import Address

    with rt.db.session() as s:  # what chat checkout does once Stripe confirms a payment
        conv = conversation_for(s, Address.parse(SHOPPER))
        order = Order(number="C-77", customer_id=conv.customer_id, conversation_id=conv.id,
                      address=SHOPPER, currency="BRL", base_currency="USD", source="chat",
                      total_minor=4990, status="awaiting_payment")
        s.add(order)
        s.flush()
        applied = apply_event(s, order, "paid", source="payment", rt=rt)
        assert (applied.previous_status, applied.status) == ("awaiting_payment", "paid")
        again = apply_event(s, order, "paid", source="payment",
                            occurred_at=applied.event.occurred_at, rt=rt)
        assert again.duplicate and again.notification is None
    run_jobs(rt)
    with rt.db.session() as s:
        paid = s.get(Message, applied.notification.message_id)
        assert paid is not None and paid.error_code == "no_consent"
    # The shopper never wrote on WhatsApp: the question goes as its approved template.
    [question] = sent_to(fake_twilio)
    assert question.get("ContentSid") == "HX10010000000000000000000000000000"
    assert question.content_variables == {"1": "C-77", "2": "Souk Demo Shop"}


def test_feedback_is_stored_and_a_low_score_waits_for_a_person(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio,
) -> None:
    from bot.models import Feedback

    shopper_writes(rt, client, fake_twilio)
    for number, answers in (("1042", ("5", "Chegou rápido!")), ("1043", ("1",))):
        api.post("/orders", order_body(number))
        api.post(f"/orders/{number}/events", {"kind": "delivered"})
        run_jobs(rt)
        for answer in answers:
            shopper_writes(rt, client, fake_twilio, answer)
    with rt.db.session() as s:
        scores = {f.order_id: (f.score, f.comment) for f in s.scalars(select(Feedback))}
        orders = {o.number: o.id for o in s.scalars(select(Order))}
        conv = s.scalar(select(Conversation).where(Conversation.address == SHOPPER))
        assert scores == {orders["1042"]: (5, "Chegou rápido!"), orders["1043"]: (1, None)}
        assert conv is not None and conv.status == "waiting"  # a person follows up
