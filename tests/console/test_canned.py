"""Canned replies: offered in the shopper's language, edited by admins."""

from __future__ import annotations

import html as htmllib
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.models import CannedReply, Conversation
from bot.runtime import Runtime
from tests.console.conftest import Account, sign_in
from tests.fakes.twilio import FakeTwilio
from tests.support import post_twilio, run_jobs, twilio_form


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def conversation_page(rt: Any, client: Any, fake_twilio: Any, frm: str, text: str) -> str:
    post_twilio(client, fake_twilio.auth_token, twilio_form(frm, text))
    run_jobs(rt)
    with rt.db.session() as s:
        conv_id = s.scalar(select(Conversation.id).where(Conversation.address == frm))
    return htmllib.unescape(client.get(f"/console/conversations/{conv_id}").get_data(as_text=True))


def test_canned_replies_come_in_the_shoppers_language(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    sign_in(client, agent)
    pt = conversation_page(rt, client, fake_twilio, "whatsapp:+5511987654321",
                           "quero falar com uma pessoa")
    es = conversation_page(rt, client, fake_twilio, "whatsapp:+5215512345678",
                           "quiero hablar con una persona")
    assert 'data-canned="Você pode me enviar o número do seu pedido, por favor?"' in pt
    assert 'data-canned="¿Me envías tu número de pedido, por favor?"' in es


def test_an_admin_edits_one_language_and_keeps_the_rest(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, admin: Account) -> None:
    token = sign_in(client, admin)
    page = client.get("/console/admin/canned?locale=es").get_data(as_text=True)
    assert "Dame un momento" in htmllib.unescape(page)
    # Change the second default, then add one.
    assert client.post("/console/admin/canned", data={
        "csrf_token": token, "locale": "es", "default": "1", "title": "Un momento",
        "body": "Un momento, por favor."}).status_code == 302
    assert client.post("/console/admin/canned", data={
        "csrf_token": token, "locale": "es", "title": "Envío",
        "body": "Tu pedido sale mañana."}).status_code == 302
    with rt.db.session() as s:
        rows = s.scalars(select(CannedReply).order_by(CannedReply.position)).all()
        assert [(r.locale, r.title) for r in rows] == [
            ("es", "Greeting"), ("es", "Un momento"), ("es", "Order number"),
            ("es", "Anything else"), ("es", "Goodbye"), ("es", "Envío")]
        first = rows[0].id
    pt = conversation_page(rt, client, fake_twilio, "whatsapp:+5511987654321", "oi")
    assert "Só um momento, por favor" in pt  # other languages keep their defaults
    assert client.post(f"/console/admin/canned/{first}/delete",
                       data={"csrf_token": token}).status_code == 302
    with rt.db.session() as s:
        assert len(s.scalars(select(CannedReply)).all()) == 5


@pytest.mark.parametrize(("form", "status"), [
    ({"locale": "xx", "title": "t", "body": "b"}, 400),
    ({"locale": "es", "title": "", "body": "b"}, 400),
    ({"locale": "es", "title": "t", "body": ""}, 400),
    ({"locale": "es", "title": "t" * 81, "body": "b"}, 400),
    ({"locale": "es", "id": "999", "title": "t", "body": "b"}, 404),
    ({"locale": "es", "default": "99", "title": "t", "body": "b"}, 404),
])
def test_bad_edits_are_refused_and_change_nothing(
        rt: Runtime, client: FlaskClient, admin: Account, form: dict[str, str],
        status: int) -> None:
    token = sign_in(client, admin)
    assert client.post("/console/admin/canned", data={"csrf_token": token, **form}
                       ).status_code == status
    with rt.db.session() as s:
        assert s.scalars(select(CannedReply)).all() == []


def test_two_replies_of_one_language_cannot_share_a_title(
        rt: Runtime, client: FlaskClient, admin: Account) -> None:
    token = sign_in(client, admin)
    with rt.db.session() as s:
        assert s.scalars(select(CannedReply)).all() == []
    client.post("/console/admin/canned", data={"csrf_token": token, "locale": "en",
                                               "title": "Hello", "body": "Hi!"})
    with rt.db.session() as s:
        hello = s.scalar(select(CannedReply.id).where(CannedReply.title == "Hello"))
    response = client.post("/console/admin/canned", data={
        "csrf_token": token, "locale": "en", "id": str(hello), "title": "Greeting",
        "body": "Hi!"})
    assert response.status_code == 409
