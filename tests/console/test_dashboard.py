"""The merchant's dashboard: the figures from real conversations, and the charts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select

from bot.console.dashboard import figures
from bot.models import Conversation, Customer, Handoff, Order, Payment, utcnow
from bot.runtime import Runtime
from tests.console.conftest import Account, sign_in
from tests.fakes.twilio import FakeTwilio
from tests.support import post_twilio, run_jobs, twilio_form

ANA = "whatsapp:+5511987654321"
BEN = "whatsapp:+5511987654322"


def says(rt: Any, client: Any, fake_twilio: Any, frm: str, text: str) -> None:
    post_twilio(client, fake_twilio.auth_token, twilio_form(frm, text))
    run_jobs(rt)


def kpi(html: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def test_the_dashboard_counts_conversations_takeovers_links_and_csat(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, admin: Account) -> None:
    says(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    says(rt, client, fake_twilio, BEN, "oi")
    token = sign_in(client, admin)
    with rt.db.session() as s:
        ana = s.scalar(select(Conversation).where(Conversation.address == ANA))
        assert ana is not None
        ana_id, customer_id = ana.id, ana.customer_id
    form = {"csrf_token": token}
    client.post(f"/console/conversations/{ana_id}/takeover", data=form)
    client.post(f"/console/conversations/{ana_id}/reply", data={**form, "text": "Oi!"})
    client.post(f"/console/conversations/{ana_id}/resolve", data={**form, "ask_rating": "1"})
    run_jobs(rt)
    says(rt, client, fake_twilio, ANA, "5")
    now = utcnow()
    with rt.db.session() as s:
        for number, paid in (("SK-1", now), ("SK-2", None)):
            order = Order(number=number, customer_id=customer_id, currency="BRL",
                          base_currency="USD", paid_at=paid)
            s.add(order)
            s.flush()
            s.add(Payment(order_id=order.id, provider="test", idempotency_key=number,
                          amount_minor=1000, currency="BRL"))
        # A first response 4 minutes after the request, whatever the test's speed.
        handoff = s.scalar(select(Handoff))
        assert handoff is not None
        handoff.first_response_at = handoff.requested_at + timedelta(minutes=4)

    html = client.get("/console/admin/dashboard").get_data(as_text=True)
    assert kpi(html, "conversations") == "2"
    assert kpi(html, "takeovers") == "1"
    assert kpi(html, "first-response") == "4 min"
    assert kpi(html, "links") == "1 / 2"
    assert kpi(html, "csat") == "100%"
    assert html.count("<svg") == 3
    assert re.search(r'<rect class="bar s0"[^>]*height="140\.0"', html)  # today's bar is the top

    with rt.db.session() as s:
        f = figures(s, ZoneInfo(rt.shop.timezone), 30)
    assert (f.conversations, f.requests, f.takeovers, f.ratings) == (2, 1, 1, 1)
    assert f.charts[0].values[-1] == 2 and sum(f.charts[0].values) == 2
    assert f.charts[2].values[-1] == 2 and f.charts[2].second == [0] * 29 + [1]


def test_csat_counts_the_share_of_fours_and_fives(rt: Runtime, admin: Account) -> None:
    now = utcnow()
    with rt.db.session() as s:
        customer = Customer()
        s.add(customer)
        s.flush()
        conv = Conversation(customer_id=customer.id, address="sms:+14155550100", channel="sms")
        s.add(conv)
        s.flush()
        for score in (5, 4, 2, 1):
            s.add(Handoff(conversation_id=conv.id, reason="asked", requested_at=now,
                          ended_at=now, outcome="resolved", rating=score, rated_at=now))
    with rt.db.session() as s:
        f = figures(s, ZoneInfo("UTC"), 7)
    assert (f.csat, f.ratings, f.takeovers) == (50.0, 4, 0)


def test_an_empty_shop_shows_dashes_not_errors(client: FlaskClient, admin: Account) -> None:
    sign_in(client, admin)
    html = client.get("/console/admin/dashboard?days=90").get_data(as_text=True)
    assert kpi(html, "conversations") == "0"
    assert kpi(html, "first-response") == "—"
    assert kpi(html, "csat") == "—"


def test_an_unknown_period_is_refused(client: FlaskClient, admin: Account) -> None:
    sign_in(client, admin)
    for days in ("3", "abc", "-7"):
        assert client.get(f"/console/admin/dashboard?days={days}").status_code == 400
