"""What the shopper is told around a person, and replies the console refuses.

These paths run the same SQL as tests/console/test_takeover.py, which covers both
databases; here SQLite is enough.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console import live
from tests.console.conftest import act, conversation, handoffs, says, sign_in
from tests.console.shops import shop_file
from tests.support import run_jobs


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A shop open now, whenever the tests run."""
    return {**env, "SHOP_CONFIG": str(shop_file(tmp_path, local_hour=12))}


def test_outside_the_hours_the_shopper_learns_when_we_open(rt, client, fake_twilio, tmp_path):  # type: ignore[no-untyped-def]
    from bot.shop import load_shop

    rt.shop = load_shop(shop_file(tmp_path, local_hour=3, open_at="09:00", close_at="18:00"))
    [reply] = says(rt, client, fake_twilio, "quero falar com uma pessoa")
    assert reply.startswith("Nossa equipe não está disponível agora.")
    assert "quando abrirmos:" in reply and "09:00" in reply
    assert conversation(rt).status == "waiting"


@pytest.mark.parametrize("words", [
    "I want to talk to a person", "quiero hablar con una persona", "quero falar com uma pessoa"])
def test_asking_for_a_person_in_any_language_queues_the_conversation(
        rt, client, fake_twilio, agent, words):  # type: ignore[no-untyped-def]
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


def test_nobody_online_says_it_may_take_a_while(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    [reply] = says(rt, client, fake_twilio, "I want to talk to a person")
    assert "Everyone is busy right now" in reply
    assert conversation(rt).assigned_agent_id is None


def test_writing_menu_while_waiting_stops_waiting(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    says(rt, client, fake_twilio, "quero falar com uma pessoa")
    [menu] = says(rt, client, fake_twilio, "menu")
    assert "1." in menu
    assert conversation(rt).status == "bot"
    [handoff] = handoffs(rt)
    assert handoff.outcome == "cancelled"


def test_two_misses_offer_a_person_and_yes_queues_the_conversation(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    says(rt, client, fake_twilio, "oi")
    says(rt, client, fake_twilio, "xyzzy plugh")
    [offer] = says(rt, client, fake_twilio, "qwerty asdf")
    assert "pessoa" in offer
    says(rt, client, fake_twilio, "sim")
    assert conversation(rt).status == "waiting"
    assert handoffs(rt)[0].reason == "offered"


def test_an_empty_or_huge_reply_is_refused(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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


def test_no_reply_goes_to_a_shopper_who_said_stop(rt, client, fake_twilio, agent):  # type: ignore[no-untyped-def]
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
