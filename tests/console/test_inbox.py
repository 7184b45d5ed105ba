"""The inbox and the conversation page: order, filters, search, masking, reveal, notes."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.models import AuditEntry, Conversation, Order, utcnow
from tests.console.conftest import sign_in
from tests.support import post_telegram, post_twilio, run_jobs, telegram_update, twilio_form

ANA = "whatsapp:+5511987654321"
BEN = "+14155550123"  # SMS
CAI = "whatsapp:+5215512345678"


def arrive(rt: Any, client: Any, fake_twilio: Any, frm: str, text: str) -> None:
    post_twilio(client, fake_twilio.auth_token, twilio_form(frm, text))
    run_jobs(rt)


def conv_id(rt: Any, address: str) -> int:
    with rt.db.session() as s:
        found = s.scalar(select(Conversation.id).where(Conversation.address == address))
        assert found is not None
        return found


def section(html: str, name: str) -> list[int]:
    """The conversation ids listed in one inbox section, in order."""
    start = html.index(f'<section id="{name}">')
    end = html.index("</section>", start)
    return [int(i) for i in re.findall(r'data-conversation="(\d+)"', html[start:end])]


def test_waiting_comes_first_oldest_wait_first_then_mine_then_all(
        rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
    arrive(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    arrive(rt, client, fake_twilio, BEN, "I want to talk to a person")
    arrive(rt, client, fake_twilio, CAI, "hola")
    ana, ben, cai = (conv_id(rt, a) for a in (ANA, "sms:" + BEN, CAI))
    # Ben has waited longer than Ana.
    with rt.db.session() as s:
        s.execute(update(Conversation).where(Conversation.id == ben)
                  .values(waiting_since=utcnow() - timedelta(minutes=30)))
    token = sign_in(client, agent)
    html = client.get("/console/").get_data(as_text=True)
    assert section(html, "waiting") == [ben, ana]
    assert section(html, "mine") == []
    assert section(html, "all") == [cai]
    client.post(f"/console/conversations/{ana}/takeover", data={"csrf_token": token})
    rows = client.get("/console/inbox/rows").get_data(as_text=True)
    assert (section(rows, "waiting"), section(rows, "mine"), section(rows, "all")) == (
        [ben], [ana], [cai])


def test_lists_and_pages_show_masked_addresses_only(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
    arrive(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    sign_in(client, agent)
    inbox = client.get("/console/").get_data(as_text=True)
    page = client.get(f"/console/conversations/{conv_id(rt, ANA)}").get_data(as_text=True)
    for html in (inbox, page):
        assert "+5511987654321" not in html and "5511987654321" not in html
        assert "whatsapp:+55*******4321" in html
    assert 'id="reveal"' not in page  # agents cannot reveal


def test_an_admin_reveals_an_address_and_it_is_audited(rt, client, fake_twilio, admin):  # type: ignore[no-untyped-def]
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


def test_filters_narrow_every_section(rt, client, fake_twilio, fake_telegram, agent):  # type: ignore[no-untyped-def]
    arrive(rt, client, fake_twilio, ANA, "quero falar com uma pessoa")
    arrive(rt, client, fake_twilio, BEN, "hello there")
    post_telegram(client, telegram_update(4242, "hola, buenas tardes"))
    run_jobs(rt)
    ana, ben, tg = conv_id(rt, ANA), conv_id(rt, "sms:" + BEN), conv_id(rt, "telegram:4242")
    sign_in(client, agent)

    def listed(query: str) -> set[int]:
        html = client.get("/console/inbox/rows?" + query).get_data(as_text=True)
        return {*section(html, "waiting"), *section(html, "mine"), *section(html, "all")}

    assert listed("") == {ana, ben, tg}
    assert listed("channel=telegram") == {tg}
    assert listed("channel=sms") == {ben}
    assert listed("status=waiting") == {ana}
    assert listed("locale=es") == {tg}
    assert listed("locale=pt_BR&channel=whatsapp") == {ana}


def test_search_finds_by_name_number_and_order(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
    arrive(rt, client, fake_twilio, ANA, "oi")  # ProfileName "Ana"
    arrive(rt, client, fake_twilio, BEN, "hello")
    ana, ben = conv_id(rt, ANA), conv_id(rt, "sms:" + BEN)
    with rt.db.session() as s:
        customer_id = s.get(Conversation, ben).customer_id  # type: ignore[union-attr]
        s.add(Order(number="SK-1042", customer_id=customer_id, currency="USD",
                    base_currency="USD"))
    sign_in(client, agent)

    def found(q: str) -> list[int]:
        html = client.get("/console/inbox/rows", query_string={"q": q}).get_data(as_text=True)
        return section(html, "all")

    assert found("ana") == [ana]
    assert found("+55 11 98765") == [ana]
    assert found("0123") == [ben]
    assert found("sk-1042") == [ben]
    assert found("#SK-1042") == [ben]
    assert found("%") == []  # a wildcard is a character here, not everything


def test_bad_filters_are_refused_with_400(client, agent):  # type: ignore[no-untyped-def]
    sign_in(client, agent)
    for query in ("channel=fax", "status=closed", "locale=../../etc"):
        response = client.get("/console/?" + query)
        assert response.status_code == 400, query
    assert client.get("/console/conversations/999").status_code == 404
    assert client.get("/console/events?conversation=abc").status_code == 400


def test_notes_stay_inside_the_console(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_the_shopper_panel_shows_language_consent_and_orders(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_the_transcript_shows_what_the_shopper_saw(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
    arrive(rt, client, fake_twilio, ANA, "oi")
    sign_in(client, agent)
    page = client.get(f"/console/conversations/{conv_id(rt, ANA)}").get_data(as_text=True)
    # WhatsApp shows the menu as numbered lines in the text, as sent to Twilio.
    assert "1. Comprar" in page
    assert fake_twilio.messages[0].body.split("\n")[0] in page
