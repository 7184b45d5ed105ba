"""People in the loop end to end: signed webhooks in, the console acting, the fake Twilio out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.console import live
from bot.models import Agent, Conversation, Message, utcnow
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
from tests.support import run_jobs


@pytest.fixture
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A shop open now (local noon, open 06:00-18:00 every day): tests must not depend on
    when they run."""
    return {**env, "SHOP_CONFIG": str(shop_file(tmp_path, local_hour=12))}


def test_waiting_conversations_go_round_robin_to_available_agents(
        rt, client, fake_twilio, password_hash):  # type: ignore[no-untyped-def]
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


def test_while_an_agent_holds_it_the_bot_answers_only_stop_and_help(
        rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_an_agent_reply_reaches_the_shopper_and_counts_as_first_response(
        rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_only_the_holder_may_reply_or_give_back(rt, app, client, fake_twilio, agent,
                                               password_hash):  # type: ignore[no-untyped-def]
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
        rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_hand_back_returns_the_shopper_to_the_bot(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_resolve_asks_for_a_rating_and_keeps_it(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_a_low_rating_asks_for_a_person_again(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_resolve_without_a_rating_goes_back_to_the_menu(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_an_agent_may_take_over_a_conversation_nobody_asked_for(
        rt, client, fake_twilio, agent: Account):  # type: ignore[no-untyped-def]
    says(rt, client, fake_twilio, "oi")
    token = sign_in(client, agent)
    conv_id = conversation(rt).id
    act(client, token, conv_id, "takeover")
    assert says(rt, client, fake_twilio, "quanto custa a mochila?") == []
    [handoff] = handoffs(rt)
    assert handoff.reason == "agent"


def test_a_shopper_who_said_stop_hears_nothing_when_given_back(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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
