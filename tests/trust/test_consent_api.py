"""PUT /api/v1/customers/{address}/consent: the merchant's opt-ins and opt-outs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import consent
from bot.api.keys import create_key
from bot.models import ApiKey, AuditEntry, ConsentEvent, Customer, Outbox, utcnow
from tests.support import run_jobs
from tests.trust.shoppers import Shopper
from tests.trust.traces import database_text
from workers.queues import enqueue_send

URL = "/api/v1/customers/whatsapp:+5511987654321/consent"


@pytest.fixture
def key(rt) -> str:  # type: ignore[no-untyped-def]
    return create_key(rt.db, "storefront", ["customers"])


def put(client, key: str, body: object, url: str = URL):  # type: ignore[no-untyped-def]
    return client.put(url, json=body, headers={"Authorization": f"Bearer {key}"})


def test_an_opt_in_is_recorded_with_its_proof_and_audited(rt, client, key):  # type: ignore[no-untyped-def]
    response = put(client, key, {"topic": "order_updates", "granted": True,
                                 "source": "checkout"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["event"]["proof"] == "apikey:storefront"
    assert (body["event"]["source"], body["event"]["channel"]) == ("checkout", "whatsapp")
    assert body["consent"]["allowed"] == {"order_updates": True, "marketing": False}
    assert body["consent"]["topics"] == {"order_updates": True, "marketing": None}
    with rt.db.session() as s:
        customer = s.get(Customer, body["customer_id"])
        assert [a.address for a in customer.addresses] == ["whatsapp:+5511987654321"]
        actions = [(a.actor, a.action, a.target) for a in s.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [
        ("apikey:storefront", "apikey.use", "customers.put_consent"),
        ("apikey:storefront", "consent.opt_in", f"customer:{body['customer_id']}"),
    ]


def test_the_latest_by_time_wins_and_a_late_report_of_an_old_event_does_not(rt, client,  # type: ignore[no-untyped-def]
                                                                           key):
    now = utcnow()
    put(client, key, {"topic": "marketing", "granted": True, "time": now.isoformat()})
    late = put(client, key, {"topic": "marketing", "granted": False,
                             "time": (now - timedelta(days=3)).isoformat()})
    assert late.json["consent"]["topics"]["marketing"] is True
    with rt.db.session() as s:
        assert len(s.scalars(select(ConsentEvent)).all()) == 2  # both on the ledger


def test_a_shoppers_stop_overrides_the_merchants_opt_in(rt, client, key, fake_twilio,  # type: ignore[no-untyped-def]
                                                        fake_telegram):
    sh = Shopper(rt, client, "whatsapp", fake_twilio, fake_telegram)
    sh.write("STOP")
    run_jobs(rt)
    response = put(client, key, {"topic": "order_updates", "granted": True})
    assert response.json["consent"]["stopped"] is True
    assert response.json["consent"]["allowed"]["order_updates"] is False


def test_a_notification_without_consent_is_dropped_when_sent(rt, client, key, fake_twilio,  # type: ignore[no-untyped-def]
                                                             fake_telegram):
    sh = Shopper(rt, client, "whatsapp", fake_twilio, fake_telegram)
    sh.write("hi")
    run_jobs(rt)
    put(client, key, {"topic": "marketing", "granted": True})
    queued = sh.push("20% off this weekend", topic="marketing", send=False)
    put(client, key, {"topic": "marketing", "granted": False})  # before it is sent
    allowed = sh.push("Your order shipped", topic="order_updates")
    put(client, key, {"topic": "order_updates", "granted": True})
    with rt.db.session() as s:
        row_id = s.scalar(select(Outbox.id).where(Outbox.message_id == queued))
    enqueue_send(rt, row_id)
    run_jobs(rt)
    assert (sh.message(queued).status, sh.message(queued).error_message) == (
        "dropped", "no consent to marketing")
    assert sh.message(allowed).status not in ("dropped", "pending")


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"topic": "newsletter", "granted": True}, 422, "invalid_request"),
    ({"topic": "marketing"}, 422, "invalid_request"),
    ({"topic": "marketing", "granted": "maybe"}, 422, "invalid_request"),
    ({"topic": "marketing", "granted": True, "source": "carrier"}, 422, "invalid_request"),
    ({"topic": "marketing", "granted": True, "time": "2026-01-01T10:00:00"}, 422,
     "invalid_request"),
    ({"topic": "marketing", "granted": True, "time": "yesterday"}, 422, "invalid_request"),
    ({"topic": "marketing", "granted": True,
      "time": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, 400, "invalid_time"),
    (["topic", "marketing"], 422, "invalid_request"),
    ("a JSON string", 422, "invalid_request"),
])
def test_bad_bodies_are_refused_and_change_nothing(rt, client, key, body, status, code):  # type: ignore[no-untyped-def]
    response = put(client, key, body)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    with rt.db.session() as s:
        assert s.scalars(select(ConsentEvent)).all() == []
        assert s.scalars(select(Customer)).all() == []


@pytest.mark.parametrize("address", ["whatsapp:5511987654321", "fax:+5511987654321",
                                     "telegram:abc", "web:web:+1"])
def test_bad_addresses_are_refused(rt, client, key, address):  # type: ignore[no-untyped-def]
    response = put(client, key, {"topic": "marketing", "granted": True},
                   url=f"/api/v1/customers/{address}/consent")
    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid_address")


def test_keys_without_the_scope_or_revoked_are_refused(rt, client, key):  # type: ignore[no-untyped-def]
    other = create_key(rt.db, "reports", ["orders"])
    assert put(client, other, {"topic": "marketing", "granted": True}).status_code == 403
    with rt.db.session() as s:
        s.scalar(select(ApiKey).where(ApiKey.name == "storefront")).revoked_at = utcnow()
    assert put(client, key, {"topic": "marketing", "granted": True}).status_code == 401
    before = database_text(rt)
    assert client.put(URL, json={"topic": "marketing", "granted": True}).status_code == 401
    assert database_text(rt) == before
    with rt.db.session() as s:
        assert consent.ledger(s, 1) == []
