"""The inbox: waiting first, then mine, then all; filters and search, on both databases."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.models import Conversation, Order, utcnow
from bot.runtime import Runtime
from tests.console.conftest import Account, sign_in
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio
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
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
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


def test_filters_narrow_every_section(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, fake_telegram: FakeTelegram,
        agent: Account) -> None:
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


def test_search_finds_by_name_number_and_order(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
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
