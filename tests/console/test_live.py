"""Live updates: events published on Redis where things happen, streamed as SSE, presence."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.console import live
from bot.models import Conversation
from bot.runtime import Runtime
from tests.console.conftest import Account, make_account, sign_in
from tests.fakes.twilio import FakeTwilio
from tests.support import post_twilio, run_jobs, twilio_form

SHOPPER = "whatsapp:+5511987654321"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Events and presence live in Redis: one database is enough here."""
    return sqlite_url


def heard(pubsub: Any, seconds: float = 2.0) -> list[dict[str, Any]]:
    """Every console event published until `seconds` of silence."""
    events = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.2)
        if message and message["type"] == "message":
            events.append(json.loads(message["data"]))
            deadline = time.monotonic() + 0.3
    return events


def test_inbound_status_and_sent_messages_are_published(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio) -> None:
    pubsub = rt.redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(live.channel(rt))
    post_twilio(client, fake_twilio.auth_token, twilio_form(SHOPPER, "quero falar com uma pessoa"))
    [inbound] = heard(pubsub, 0.5)
    with rt.db.session() as s:
        conv_id = s.scalar(select(Conversation.id))
    assert inbound == {"type": "inbound", "conversation": conv_id}
    run_jobs(rt)
    kinds = [e["type"] for e in heard(pubsub, 0.5)]
    assert kinds == ["status", "message"]  # now waiting; the reply went out
    pubsub.close()


def read_until(chunks: Any, wanted: str, limit: int = 20) -> str:
    seen = ""
    for _ in range(limit):
        seen += next(chunks).decode()
        if wanted in seen:
            return seen
    raise AssertionError(f"{wanted!r} never came; got {seen!r}")


def test_the_event_stream_passes_events_and_tells_who_is_viewing(
        rt: Runtime, client: FlaskClient, agent: Account) -> None:
    sign_in(client, agent)
    response = client.get("/console/events?conversation=7", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = response.response
    assert read_until(chunks, "retry:").startswith("retry: 2000")
    assert live.viewers(rt, 7) == {agent.id}
    assert agent.id in live.online(rt)
    live.publish(rt, "inbound", 7)
    assert 'data: {"type": "inbound", "conversation": 7}' in read_until(chunks, "data:")
    response.close()
    assert live.viewers(rt, 7) == set()


def test_a_full_process_turns_streams_away_with_a_retry(rt: Runtime, agent: Account) -> None:
    streams = [live.stream(rt, agent.id, None, seconds=5) for _ in range(live.MAX_STREAMS)]
    try:
        for stream in streams:
            assert "connected" in next(stream)
        extra = live.stream(rt, agent.id, None)
        assert "busy" in next(extra)
        with pytest.raises(StopIteration):
            next(extra)
    finally:
        for stream in streams:
            stream.close()
    again = live.stream(rt, agent.id, None, seconds=1)
    assert "connected" in next(again)
    again.close()


def test_old_heartbeats_do_not_count_as_online(rt: Runtime, agent: Account) -> None:
    live.touch(rt, agent.id, 3, now=time.time() - live.PRESENCE_TTL - 1)
    assert live.online(rt) == set() and live.viewers(rt, 3) == set()
    live.touch(rt, agent.id, 3)
    assert live.online(rt) == {agent.id} and live.viewers(rt, 3) == {agent.id}


def test_opening_the_console_hands_waiting_conversations_out_in_turn(
        rt: Runtime, app: Flask, client: FlaskClient, fake_twilio: FakeTwilio,
        password_hash: str) -> None:
    for n in range(3):
        post_twilio(client, fake_twilio.auth_token,
                    twilio_form(f"whatsapp:+551198765430{n}", "quero falar com uma pessoa"))
    run_jobs(rt)  # nobody online: they wait unassigned
    ana = make_account(rt, password_hash, "ana@shop.example")
    bo = make_account(rt, password_hash, "bo@shop.example")
    live.touch(rt, bo.id)
    browser = app.test_client()
    sign_in(browser, ana)
    response = browser.get("/console/events", buffered=False)
    read_until(response.response, "retry:")
    response.close()
    with rt.db.session() as s:
        assigned = s.scalars(select(Conversation.assigned_agent_id)
                             .order_by(Conversation.waiting_since, Conversation.id)).all()
    # Neither was assigned anything before: the lower id starts the round.
    assert assigned == [ana.id, bo.id, ana.id]


def test_an_agent_sees_who_else_is_viewing_a_conversation(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account,
        password_hash: str) -> None:
    post_twilio(client, fake_twilio.auth_token, twilio_form(SHOPPER, "oi"))
    run_jobs(rt)
    with rt.db.session() as s:
        conv_id = s.scalar(select(Conversation.id))
    bo = make_account(rt, password_hash, "bo@shop.example", name="Bo")
    sign_in(client, agent)
    page = client.get(f"/console/conversations/{conv_id}").get_data(as_text=True)
    assert "Also viewing" not in page
    live.touch(rt, bo.id, conv_id)
    page = client.get(f"/console/conversations/{conv_id}/live").get_data(as_text=True)
    assert "Also viewing: Bo" in page


def test_an_away_agent_gets_no_new_conversations(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    token = sign_in(client, agent)
    live.touch(rt, agent.id)
    assert client.post("/console/availability", data={
        "csrf_token": token, "available": "0", "next": "/console/"}).status_code == 302
    assert "Away" in client.get("/console/").get_data(as_text=True)
    post_twilio(client, fake_twilio.auth_token, twilio_form(SHOPPER, "quero falar com uma pessoa"))
    run_jobs(rt)
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation))
        assert conv is not None and (conv.status, conv.assigned_agent_id) == ("waiting", None)
