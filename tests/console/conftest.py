"""Console fixtures: accounts (hashed once per session: argon2 is slow on purpose), signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from bot.console.accounts import hash_password
from bot.models import Agent
from bot.runtime import Runtime

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: str
    name: str


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


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
