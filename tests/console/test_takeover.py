"""People in the loop end to end: signed webhooks in, the console acting, the fake Twilio out."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.console import live
from bot.models import Agent, Message
from bot.runtime import Runtime
from tests.console.conftest import (
    SHOPPER,
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
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A shop open now (local noon, open 06:00-18:00 every day): tests must not depend on
    when they run."""
    return {**env, "SHOP_CONFIG": str(shop_file(tmp_path, local_hour=12))}


def test_waiting_conversations_go_round_robin_to_available_agents(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, password_hash: str) -> None:
    ana = make_account(rt, password_hash, "ana@shop.example")
    bo = make_account(rt, password_hash, "bo@shop.example")
    away = make_account(rt, password_hash, "away@shop.example")
    make_account(rt, password_hash, "offline@shop.example")  # never opened the console
    with rt.db.session() as s:
        s.execute(update(Agent).where(Agent.id == away.id).values(available=False))
    for account in (ana, bo, away):
        live.touch(rt, account.id)
    shoppers = [f"whatsapp:+551198765432{n}" for n in range(4)]
    for address in shoppers:
        says(rt, client, fake_twilio, "quero falar com uma pessoa", frm=address)
    assert [conversation(rt, a).assigned_agent_id for a in shoppers] == [
        ana.id, bo.id, ana.id, bo.id]


def test_an_agent_reply_reaches_the_shopper_and_counts_as_first_response(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    before = len(fake_twilio.messages)
    assert act(client, token, conv_id, "reply", text="Olá! Sou a Ana.").status_code == 302
    run_jobs(rt)
    [sent] = fake_twilio.messages[before:]
    assert (sent.to, sent.body) == (SHOPPER, "Olá! Sou a Ana.")
    with rt.db.session() as s:
        message = s.scalar(select(Message).where(Message.author == "agent"))
        assert message is not None and (message.meta or {})["agent_id"] == agent.id
    assert handoffs(rt)[0].first_response_at is not None
    page = client.get(f"/console/conversations/{conv_id}").get_data(as_text=True)
    assert "Olá! Sou a Ana." in page and "Ana" in page


def test_hand_back_returns_the_shopper_to_the_bot(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    before = len(fake_twilio.messages)
    assert act(client, token, conv_id, "handback").status_code == 302
    run_jobs(rt)
    [back] = [m.body for m in fake_twilio.messages[before:]]
    assert back is not None and "Você está falando de novo com o assistente" in back
    conv = conversation(rt)
    assert (conv.status, conv.assigned_agent_id) == ("bot", None)
    assert handoffs(rt)[0].outcome == "handed_back"
    [menu] = says(rt, client, fake_twilio, "oi")
    assert "1. Comprar" in menu


def test_resolve_asks_for_a_rating_and_keeps_it(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    before = len(fake_twilio.messages)
    act(client, token, conv_id, "resolve", ask_rating="1")
    run_jobs(rt)
    [question] = [m.body for m in fake_twilio.messages[before:]]
    assert question is not None and "Como você avalia" in question
    assert "5. Excelente" in question
    [thanks] = says(rt, client, fake_twilio, "5")
    assert "Obrigado pela sua avaliação" in thanks
    [handoff] = handoffs(rt)
    assert (handoff.outcome, handoff.rating) == ("resolved", 5)


def test_a_low_rating_asks_for_a_person_again(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    act(client, token, conv_id, "resolve", ask_rating="1")
    run_jobs(rt)
    replies = says(rt, client, fake_twilio, "Muito ruim")
    assert replies[0] == "Sentimos muito por não termos ajudado como deveríamos."
    assert conversation(rt).status == "waiting"
    first, second = handoffs(rt)
    assert (first.rating, second.reason) == (1, "low_rating")


def test_resolve_without_a_rating_goes_back_to_the_menu(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    before = len(fake_twilio.messages)
    act(client, token, conv_id, "resolve")
    run_jobs(rt)
    [back] = [m.body for m in fake_twilio.messages[before:]]
    assert back is not None and "assistente" in back and "avalia" not in back
    assert handoffs(rt)[0].outcome == "resolved"
