"""The simulator's API: its messages take the real pipeline; replies show as each channel's."""

from __future__ import annotations

from typing import Any

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from bot.models import Message, Outbox
from bot.runtime import INBOUND, Runtime
from tests.support import run_jobs


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The simulator stores through the same inbox the webhooks' tests cover on both."""
    return sqlite_url


@pytest.fixture
def client(signed_in_client: Any) -> Any:
    """With REDIS_URL set the simulator is behind the console's login."""
    return signed_in_client


def say(client: Any, address: str, text: str = "", payload: str | None = None) -> None:
    body: dict[str, Any] = {"address": address, "text": text}
    if payload:
        body["payload"] = payload
    assert client.post("/simulator/api/messages", json=body).status_code == 202


def poll(client: Any, address: str, after: int = 0) -> dict[str, Any]:
    response = client.get("/simulator/api/messages", query_string={"address": address,
                                                                   "after": after})
    assert response.status_code == 200
    data: dict[str, Any] = response.get_json()
    return data


def test_a_fresh_address_gets_a_cursor_to_poll_from(rt: Runtime, client: Any) -> None:
    # Before: no cursor for an address with no conversation, and the page polled with
    # after=undefined (400) from then on, so a new shopper never saw a reply.
    assert poll(client, "sms:+14155550123", after=0) == {"messages": [], "cursor": 0}


def test_a_simulated_message_takes_the_pipeline_of_a_real_one(rt: Runtime, client: Any
                                                              ) -> None:
    say(client, "whatsapp:+5511987654321", "oi, tudo bem?")
    with rt.db.session() as s:
        [inbound] = s.scalars(select(Message)).all()
    assert inbound.channel == "web" and inbound.provider_id.startswith("web-")
    assert poll(client, "whatsapp:+5511987654321")["messages"][0]["text"] == "oi, tudo bem?"
    run_jobs(rt)
    with rt.db.session() as s:
        [row] = s.scalars(select(Outbox)).all()
    assert row.state == "done"
    [shown_in, shown_out] = poll(client, "whatsapp:+5511987654321")["messages"]
    assert shown_out["status"] == "delivered"
    assert shown_out["parts"] == [{"body": "Oi! Bem-vindo(a) à Souk Demo Shop. Como posso ajudar "
                                           "hoje?\n\n1. Comprar\n2. Rastrear pedido\n"
                                           "3. Falar com uma pessoa\n4. Idioma"}]


def test_replies_show_as_the_imitated_channel_shows_them(rt: Runtime, client: Any) -> None:
    say(client, "telegram:4242", "hello!")
    say(client, "sms:+14155550123", "hola, buenas tardes, ¿cómo están?")
    run_jobs(rt)
    [tg] = [m for m in poll(client, "telegram:4242")["messages"] if m["direction"] == "out"]
    [part] = tg["parts"]
    assert part["method"] == "sendMessage"
    assert [[b["text"] for b in row] for row in part["reply_markup"]["inline_keyboard"]] == [
        ["Shop"], ["Track an order"], ["Talk to a person"], ["Language"]]
    [sms] = [m for m in poll(client, "sms:+14155550123")["messages"] if m["direction"] == "out"]
    assert sms["parts"][0]["body"].endswith("1. Comprar\n2. Seguir un pedido\n"
                                            "3. Hablar con una persona\n4. Idioma")


def test_a_tapped_button_sends_its_payload(rt: Runtime, client: Any) -> None:
    say(client, "telegram:4242", "hello!")
    run_jobs(rt)
    say(client, "telegram:4242", "Language", payload="language")
    run_jobs(rt)
    out = [m for m in poll(client, "telegram:4242")["messages"] if m["direction"] == "out"]
    assert out[-1]["text"] == "Which language do you prefer?"


def test_a_reply_still_in_the_outbox_is_held_back_then_shown_in_its_place(
    rt: Runtime, client: Any
) -> None:
    say(client, "sms:+14155550123", "hello!")
    SimpleWorker([rt.queue(INBOUND)], connection=rt.redis).work(burst=True)  # not sent yet
    first = poll(client, "sms:+14155550123")
    assert [m["direction"] for m in first["messages"]] == ["in"]
    run_jobs(rt)
    later = poll(client, "sms:+14155550123", after=first["cursor"])
    assert [m["direction"] for m in later["messages"]] == ["out"]
    assert later["messages"][0]["text"].startswith("Hi! Welcome")
