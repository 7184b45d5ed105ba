"""The conversation page: masking, reveal, notes, the shopper's panel, the transcript.

Nothing here depends on the database's dialect: SQLite is enough.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.models import AuditEntry, Conversation, Order
from bot.runtime import Runtime
from tests.console.conftest import Account, sign_in
from tests.fakes.twilio import FakeTwilio
from tests.support import post_twilio, run_jobs, twilio_form

ANA = "whatsapp:+5511987654321"
BEN = "+14155550123"  # SMS
CAI = "whatsapp:+5215512345678"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def arrive(rt: Any, client: Any, fake_twilio: Any, frm: str, text: str) -> None:
    post_twilio(client, fake_twilio.auth_token, twilio_form(frm, text))
    run_jobs(rt)


def conv_id(rt: Any, address: str) -> int:
    with rt.db.session() as s:
        found = s.scalar(select(Conversation.id).where(Conversation.address == address))
        assert found is not None
        return found


def test_lists_and_pages_show_masked_addresses_only(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    arrive(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    sign_in(client, agent)
    inbox = client.get("/console/").get_data(as_text=True)
    page = client.get(f"/console/conversations/{conv_id(rt, ANA)}").get_data(as_text=True)
    for html in (inbox, page):
        assert "+5511987654321" not in html and "5511987654321" not in html
        assert "whatsapp:+55*******4321" in html
    assert 'id="reveal"' not in page  # agents cannot reveal


def test_an_admin_reveals_an_address_and_it_is_audited(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, admin: Account) -> None:
    arrive(rt, client, fake_twilio, ANA, "oi")
    token = sign_in(client, admin)
    cid = conv_id(rt, ANA)
    assert 'id="reveal"' in client.get(f"/console/conversations/{cid}").get_data(as_text=True)
    without = client.post(f"/console/conversations/{cid}/reveal")
    assert without.status_code == 400
    response = client.post(f"/console/conversations/{cid}/reveal", headers={"X-CSRFToken": token})
    assert response.get_json() == {"address": ANA}
    with rt.db.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all()
        assert (entry.actor, entry.target) == (f"agent:{admin.id}", f"conversation:{cid}")
        assert entry.ip == "127.0.0.1"
        assert "5511987654321" not in (entry.target or "")


def test_bad_filters_are_refused_with_400(client: FlaskClient, agent: Account) -> None:
    sign_in(client, agent)
    for query in ("channel=fax", "status=closed", "locale=../../etc"):
        response = client.get("/console/?" + query)
        assert response.status_code == 400, query
    assert client.get("/console/conversations/999").status_code == 404
    assert client.get("/console/conversations/99999999999999999999").status_code == 404
    assert client.get("/console/events?conversation=abc").status_code == 400


def test_notes_stay_inside_the_console(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    arrive(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    cid = conv_id(rt, ANA)
    sent = len(fake_twilio.messages)
    response = client.post(f"/console/conversations/{cid}/notes",
                           data={"csrf_token": token, "body": "Wants a refund for #SK-1"})
    assert response.status_code == 302
    run_jobs(rt)
    assert len(fake_twilio.messages) == sent
    page = client.get(f"/console/conversations/{cid}").get_data(as_text=True)
    assert "Wants a refund for #SK-1" in page
    empty = client.post(f"/console/conversations/{cid}/notes",
                        data={"csrf_token": token, "body": "  "})
    assert empty.status_code == 400


def test_the_shopper_panel_shows_language_consent_and_orders(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    arrive(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    arrive(rt, client, fake_twilio, ANA, "STOP")
    cid = conv_id(rt, ANA)
    with rt.db.session() as s:
        customer_id = s.get(Conversation, cid).customer_id  # type: ignore[union-attr]
        s.add(Order(number="SK-2001", customer_id=customer_id, currency="BRL",
                    base_currency="USD", total_minor=25990, status="paid"))
    sign_in(client, agent)
    page = client.get(f"/console/conversations/{cid}").get_data(as_text=True)
    assert "Portuguese (Brazil)" in page
    assert "Opted out: the shopper replied STOP." in page
    assert "SK-2001" in page and "R$259.90" in page
    assert "BR" in page


def test_the_transcript_shows_what_the_shopper_saw(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    arrive(rt, client, fake_twilio, ANA, "oi")
    sign_in(client, agent)
    page = client.get(f"/console/conversations/{conv_id(rt, ANA)}").get_data(as_text=True)
    # WhatsApp shows the menu as numbered lines in the text, as sent to Twilio.
    assert "1. Comprar" in page
    assert fake_twilio.messages[0].body.split("\n")[0] in page
