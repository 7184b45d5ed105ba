"""The rules around a person: what the shopper is told, who may act, what is refused.

These paths run the same SQL as tests/console/test_takeover.py, which covers both
databases; here SQLite is enough.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.console import live
from bot.models import Conversation, Message, utcnow
from bot.runtime import Runtime
from tests.console.conftest import (
    Account,
    act,
    conversation,
    handoffs,
    make_account,
    says,
    sign_in,
)
from tests.console.shops import shop_file
from tests.fakes.twilio import FakeTwilio
from tests.support import run_jobs


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A shop open now, whenever the tests run."""
    return {**env, "SHOP_CONFIG": str(shop_file(tmp_path, local_hour=12))}


def test_outside_the_hours_the_shopper_learns_when_we_open(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, tmp_path: Path) -> None:
    from bot.shop import load_shop

    rt.shop = load_shop(shop_file(tmp_path, local_hour=3, open_at="09:00", close_at="18:00"))
    [reply] = says(rt, client, fake_twilio, "quero falar com uma pessoa")
    assert reply.startswith("Nossa equipe não está disponível agora.")
    assert "quando abrirmos:" in reply and "09:00" in reply
    assert conversation(rt).status == "waiting"


@pytest.mark.parametrize("words", [
    "I want to talk to a person", "quiero hablar con una persona", "quero falar com uma pessoa"])
def test_asking_for_a_person_in_any_language_queues_the_conversation(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account,
        words: str) -> None:
    live.touch(rt, agent.id)  # the agent has the console open
    [reply] = says(rt, client, fake_twilio, words)
    conv = conversation(rt)
    assert conv.status == "waiting"
    assert conv.assigned_agent_id == agent.id
    [handoff] = handoffs(rt)
    assert handoff.reason == "asked"
    # Told in their own language that a person comes, and roughly when.
    # One agent online, nobody ahead, no history yet: about 5 minutes.
    assert "5 minutes" in reply or "5 minutos" in reply, reply
    assert ("Estoy llamando" in reply) == words.startswith("quiero")
    assert ("Estou chamando" in reply) == words.startswith("quero")


def test_nobody_online_says_it_may_take_a_while(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio) -> None:
    [reply] = says(rt, client, fake_twilio, "I want to talk to a person")
    assert "Everyone is busy right now" in reply
    assert conversation(rt).assigned_agent_id is None


def test_writing_menu_while_waiting_stops_waiting(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    [menu] = says(rt, client, fake_twilio, "menu")
    assert "1." in menu
    assert conversation(rt).status == "bot"
    [handoff] = handoffs(rt)
    assert handoff.outcome == "cancelled"


def test_two_misses_offer_a_person_and_yes_queues_the_conversation(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio) -> None:
    says(rt, client, fake_twilio, "oi")
    says(rt, client, fake_twilio, "xyzzy plugh")
    [offer] = says(rt, client, fake_twilio, "qwerty asdf")
    assert "pessoa" in offer
    says(rt, client, fake_twilio, "sim")
    assert conversation(rt).status == "waiting"
    assert handoffs(rt)[0].reason == "offered"


def test_an_empty_or_huge_reply_is_refused(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    before = len(fake_twilio.messages)
    assert act(client, token, conv_id, "reply", text="   ").status_code == 400
    assert act(client, token, conv_id, "reply", text="x" * 1601).status_code == 400
    assert act(client, token, conv_id, "reply", template="no_such_kind").status_code == 400
    run_jobs(rt)
    assert len(fake_twilio.messages) == before


def test_no_reply_goes_to_a_shopper_who_said_stop(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    says(rt, client, fake_twilio, "STOP")
    before = len(fake_twilio.messages)
    refused = act(client, token, conv_id, "reply", text="Ainda está aí?")
    assert refused.status_code == 409
    assert "STOP" in refused.get_data(as_text=True)
    run_jobs(rt)
    assert len(fake_twilio.messages) == before


def test_while_an_agent_holds_it_the_bot_answers_only_stop_and_help(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    assert act(client, token, conv_id, "takeover").status_code == 302
    assert conversation(rt).status == "agent"
    assert says(rt, client, fake_twilio, "oi? tem alguém aí?") == []
    assert says(rt, client, fake_twilio, "menu") == []
    [help_reply] = says(rt, client, fake_twilio, "help")
    assert "STOP" in help_reply or "SAIR" in help_reply or "PARAR" in help_reply
    [handoff] = handoffs(rt)
    assert handoff.taken_by_id == agent.id and handoff.taken_at is not None


def test_only_the_holder_may_reply_or_give_back(
        rt: Runtime, app: Flask, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account,
        password_hash: str) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    conv_id = conversation(rt).id
    token = sign_in(client, agent)
    other = app.test_client()
    other_token = sign_in(other, make_account(rt, password_hash, "bo@shop.example", name="Bo"))
    refused = act(other, other_token, conv_id, "reply", text="hi")
    assert refused.status_code == 409
    assert "Take the conversation over" in refused.get_data(as_text=True)
    act(client, token, conv_id, "takeover")
    for action, form in (("takeover", {}), ("reply", {"text": "hi"}), ("handback", {}),
                         ("resolve", {})):
        response = act(other, other_token, conv_id, action, **form)
        assert response.status_code == 409, action
    assert conversation(rt).assigned_agent_id == agent.id
    page = other.get(f"/console/conversations/{conv_id}").get_data(as_text=True)
    assert "Ana is answering this conversation." in page


def test_after_24_hours_whatsapp_needs_a_template_and_the_console_offers_it(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    with rt.db.session() as s:
        s.execute(update(Conversation).values(last_inbound_at=utcnow() - timedelta(hours=25)))
    page = client.get(f"/console/conversations/{conv_id}").get_data(as_text=True)
    assert "24 hours" in page
    assert "HX00000000000000000000000000000003" in page  # order_confirmed, pt_BR
    before = len(fake_twilio.messages)
    refused = act(client, token, conv_id, "reply", text="Oi de novo")
    assert refused.status_code == 409
    assert "template" in refused.get_data(as_text=True)
    sent = act(client, token, conv_id, "reply", template="order_confirmed", var1="Ana")
    assert sent.status_code == 302
    run_jobs(rt)
    [message] = fake_twilio.messages[before:]
    assert message.get("ContentSid") == "HX00000000000000000000000000000003"
    assert message.content_variables == {"1": "Ana"}


def test_a_shopper_who_said_stop_hears_nothing_when_given_back(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    says(rt, client, fake_twilio, "STOP")
    before = len(fake_twilio.messages)
    assert act(client, token, conv_id, "resolve", ask_rating="1").status_code == 302
    run_jobs(rt)
    assert len(fake_twilio.messages) == before
    with rt.db.session() as s:
        last = s.scalar(select(Message).order_by(Message.id.desc()).limit(1))
        assert last is not None and (last.status, last.error_message) == ("dropped", "opted out")
    assert conversation(rt).status == "bot"


def test_an_agent_may_take_over_a_conversation_nobody_asked_for(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "oi")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    assert says(rt, client, fake_twilio, "quanto custa a mochila?") == []
    [handoff] = handoffs(rt)
    assert handoff.reason == "agent"
