"""Notifications and campaigns over real HTTP: 202 or 409 with the reason, segments, progress."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from bot import campaigns, consent
from bot.inbox import conversation_for
from bot.models import Conversation, CustomerTag, utcnow
from bot.runtime import Runtime
from channels.base import Address
from tests.integration.live_api import Api, api_fixture, live_fixture  # noqa: F401
from tests.support import post_twilio, run_jobs, twilio_form

SHOPPER = "whatsapp:+5511987654321"


@pytest.fixture(autouse=True)
def no_quiet_hours(rt) -> None:  # type: ignore[no-untyped-def]
    """Not about quiet hours: without this, what is sent would depend on the hour of the run."""
    rt.shop = dataclasses.replace(rt.shop, quiet_start=None, quiet_end=None)


def shopper_writes(rt, client, fake, address: str = SHOPPER, text: str = "oi") -> None:  # type: ignore[no-untyped-def]
    assert post_twilio(client, fake.auth_token, twilio_form(address, text)).status_code == 200
    run_jobs(rt)


def agree(rt: Runtime, address: str, topic: str, granted: bool = True, *, locale: str = "en",
          country: str | None = None, tags: tuple[str, ...] = ()) -> None:
    """A shopper who agreed (or not) to a topic, as the consent API would record it."""
    with rt.db.session() as s:
        conv = conversation_for(s, Address.parse(address))
        conv.customer.locale, conv.locale = locale, locale
        conv.customer.country = country
        s.add_all(CustomerTag(customer_id=conv.customer_id, tag=t) for t in tags)
        consent.record(s, conv.customer_id, topic, granted, source="api")


def quiet_now(rt: Runtime, zone: str = "America/Sao_Paulo") -> datetime:
    """Make it quiet hours for the next hour in `zone`; when they end."""
    local = utcnow().astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)
    start, end = (local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time()
    rt.shop = dataclasses.replace(rt.shop, quiet_start=start, quiet_end=end)
    return local + timedelta(hours=1)


def jobs_once(rt: Runtime, *queues: str) -> None:
    """Run what is queued now, once (run_jobs would wait for messages held till morning)."""
    names = queues or ("souk-inbound", "souk-outbound", "souk-default")
    SimpleWorker([rt.queue(n) for n in names], connection=rt.redis).work(
        burst=True, logging_level="WARNING")


def test_a_notification_is_accepted_then_delivered(api: Api, rt, client, fake_twilio) -> None:  # type: ignore[no-untyped-def]
    shopper_writes(rt, client, fake_twilio)
    agree(rt, SHOPPER, "order_updates", locale="pt_BR")
    accepted = api.post("/messages", {"to": SHOPPER, "topic": "order_updates",
                                      "text": "Seu pedido chega amanhã."})
    assert accepted.status_code == 202, accepted.text
    run_jobs(rt)
    assert fake_twilio.messages[-1].body == "Seu pedido chega amanhã."
    status = api.get(f"/messages/{accepted.json()['id']}").json()
    assert (status["status"], status["topic"], status["reason"]) == ("queued", "order_updates",
                                                                     None)
    assert api.get("/messages/999999").status_code == 404


def test_what_may_not_be_sent_is_refused_with_the_reason(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio,
) -> None:
    note = {"to": SHOPPER, "topic": "marketing", "text": "Sale!"}
    assert api.post("/messages", note).json()["error"]["code"] == "no_consent"  # a stranger
    shopper_writes(rt, client, fake_twilio)
    assert api.post("/messages", note).json()["error"]["code"] == "no_consent"
    agree(rt, SHOPPER, "marketing")
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == SHOPPER))
        conv.last_inbound_at -= timedelta(hours=30)
    closed = api.post("/messages", note)
    assert (closed.status_code, closed.json()["error"]["code"]) == (409, "no_template")
    assert api.post("/messages", {**note, "template": "promo"}).status_code == 202
    assert api.post("/messages", {**note, "template": "nope"}).status_code == 422
    shopper_writes(rt, client, fake_twilio, text="STOP")
    stopped = api.post("/messages", note)
    assert (stopped.status_code, stopped.json()["error"]["code"]) == (409, "opted_out")


def test_quiet_hours_refuse_or_hold_until_morning_but_urgent_news_goes(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio,
) -> None:
    shopper_writes(rt, client, fake_twilio)
    agree(rt, SHOPPER, "order_updates")
    morning = quiet_now(rt)
    note = {"to": SHOPPER, "topic": "order_updates", "text": "Your parcel left."}
    refused = api.post("/messages", note)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "quiet_hours")
    assert api.post("/messages", {**note, "urgent": True}).status_code == 202
    later = api.post("/messages", {**note, "quiet_hours": "deliver_later"})
    assert later.status_code == 202
    api.post("/orders", {"number": "77", "to": SHOPPER, "currency": "USD"})
    api.post("/orders/77/events", {"kind": "out_for_delivery"})
    shipped = api.post("/orders/77/events", {"kind": "delivered"}).json()["notification"]
    jobs_once(rt)
    jobs_once(rt)  # what the first pass queued
    sent = [m.body or "" for m in fake_twilio.messages][1:]
    assert len(sent) == 2 and "out for delivery" in sent[1]  # the urgent note, the courier
    for held in (later.json()["id"], shipped["message_id"]):
        status = api.get(f"/messages/{held}").json()
        assert status["status"] == "scheduled" and "quiet hours" in status["reason"]
        due = datetime.fromisoformat(status["due_at"])
        assert abs(due - morning) < timedelta(minutes=1)


def test_a_campaign_reaches_its_segment_only_and_shows_progress(  # type: ignore[no-untyped-def]
    api: Api, rt, client, fake_twilio, fake_telegram,
) -> None:
    audience = {
        "whatsapp:+5511900000001": dict(locale="pt_BR", country="BR", tags=("vip",)),
        "whatsapp:+5511900000002": dict(locale="pt_BR", country="BR"),  # not vip
        "telegram:777001": dict(locale="pt_BR", country="BR", tags=("vip",)),
        "sms:+14155550101": dict(locale="en", country="US", tags=("vip",)),  # not BR
    }
    for address, who in audience.items():
        agree(rt, address, "marketing", **who)  # type: ignore[arg-type]
    agree(rt, "whatsapp:+5511900000003", "marketing", False, locale="pt_BR", country="BR",
          tags=("vip",))  # said no
    shopper_writes(rt, client, fake_twilio, "whatsapp:+5511900000001")
    created = api.post("/campaigns", {
        "name": "vip-br", "template": "promo", "variables": {"1": "20%"},
        "text": {"en": "VIP sale: 20% off.", "pt-BR": "Promoção VIP: 20% off."},
        "segment": {"countries": ["br"], "tags": ["vip"]}})
    assert created.status_code == 202, created.text
    run_jobs(rt)
    campaign = api.get(f"/campaigns/{created.json()['id']}").json()
    assert (campaign["recipients"], campaign["status"]) == (2, "done")
    assert campaign["progress"]["sent"] == 2
    assert fake_twilio.messages[-1].body == "Promoção VIP: 20% off."
    telegram = [c for c in fake_telegram.sent if c.method == "sendMessage"]
    assert [c.chat_id for c in telegram] == ["777001"]
    assert telegram[0].params["text"] == "Promoção VIP: 20% off."


def test_a_cancelled_campaign_sends_nothing_more(api: Api, rt, fake_twilio) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        agree(rt, f"sms:+1415555020{n}", "marketing")
    created = api.post("/campaigns", {"name": "oops", "text": {"en": "Wrong price!"}})
    campaign_id = created.json()["id"]
    # What its queued jobs would do first: find the audience, write the messages.
    for batch in campaigns.start(rt, campaign_id):
        campaigns.fan_out(rt, campaign_id, batch)
    cancelled = api.post(f"/campaigns/{campaign_id}/cancel", {})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["progress"]["dropped"] == 3
    run_jobs(rt)
    assert fake_twilio.messages == []
    later = api.post("/campaigns", {"name": "later", "text": {"en": "Soon"},
                                    "send_at": (utcnow() + timedelta(days=1)).isoformat()})
    assert later.json()["status"] == "scheduled"
    assert api.post("/campaigns/999/cancel", {}).status_code == 404
    assert api.post("/campaigns", {"name": "x", "text": {"xx": "?"}}).status_code == 422
