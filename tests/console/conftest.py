"""Console fixtures and steps: accounts (hashed once per session: argon2 is slow on purpose),
signing in, a shopper writing, the console acting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Agent, Conversation, Handoff
from bot.runtime import Runtime
from tests.conftest import PASSWORD
from tests.support import post_twilio, run_jobs, twilio_form

SHOPPER = "whatsapp:+5511987654321"


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: str
    name: str


def make_account(rt: Runtime, password_hash: str, email: str, role: str = "agent",
                 name: str | None = None) -> Account:
    """A console account stored as `souk agent create` stores one."""
    with rt.db.session() as s:
        agent = Agent(email=email, name=name, password_hash=password_hash, role=role)
        s.add(agent)
        s.flush()
        return Account(agent.id, email, role, name or "")


@pytest.fixture
def agent(rt: Runtime, password_hash: str) -> Account:
    return make_account(rt, password_hash, "ana@shop.example", "agent", "Ana")


@pytest.fixture
def admin(rt: Runtime, password_hash: str) -> Account:
    return make_account(rt, password_hash, "boss@shop.example", "admin", "Bea")


def csrf_token(client: Any, path: str = "/console/login") -> str:
    """The CSRF token a console page carries for its forms."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def sign_in(client: Any, account: Account, password: str = PASSWORD) -> str:
    """Sign in through the login form; the CSRF token for the session's forms."""
    response = client.post("/console/login", data={
        "email": account.email, "password": password, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_token(client, "/console/")


def says(rt: Any, client: Any, fake_twilio: Any, text: str, frm: str = SHOPPER) -> list[str]:
    """The shopper writes; the bodies the shop sent back."""
    before = len(fake_twilio.messages)
    assert post_twilio(client, fake_twilio.auth_token, twilio_form(frm, text)).status_code == 200
    run_jobs(rt)
    return [m.body or "" for m in fake_twilio.messages[before:]]


def conversation(rt: Any, address: str = SHOPPER) -> Conversation:
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == address))
        assert conv is not None
        return conv


def handoffs(rt: Any) -> list[Handoff]:
    with rt.db.session() as s:
        return list(s.scalars(select(Handoff).order_by(Handoff.id)))


def act(client: Any, token: str, conv_id: int, action: str, **form: str) -> Any:
    return client.post(f"/console/conversations/{conv_id}/{action}",
                       data={"csrf_token": token, **form})
