"""Who gets in: logins, lockout, logout, the login gate, admin pages, CSRF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.models import Agent, AuditEntry, Conversation, utcnow
from bot.runtime import Runtime
from tests.console.conftest import PASSWORD, Account, csrf_token, sign_in
from tests.fakes.twilio import FakeTwilio
from tests.support import post_twilio, run_jobs, twilio_form

SHOPPER = "whatsapp:+5511987654321"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Access rules do not depend on the database: SQLite is enough here."""
    return sqlite_url


def audit_actions(rt: Any) -> list[str]:
    with rt.db.session() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def waiting_conversation(rt: Any, client: Any, fake_twilio: Any) -> int:
    post_twilio(client, fake_twilio.auth_token, twilio_form(SHOPPER, "quero falar com uma pessoa"))
    run_jobs(rt)
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation))
        assert conv is not None and conv.status == "waiting"
        return conv.id


def console_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, url) of the console, with ids filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console") or rule.endpoint == "console.login":
            continue
        url = rule.rule.replace("<id:conversation_id>", "1").replace("<id:reply_id>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def test_every_console_route_without_a_session_redirects_to_login(
        app: Flask, client: FlaskClient) -> None:
    routes = console_routes(app)
    # The gate must cover the whole console, not the few routes a test remembers.
    assert len(routes) >= 15, routes
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/console/login"), (method, url)


def test_the_simulator_needs_a_console_login_when_redis_is_set(
        client: FlaskClient, agent: Account) -> None:
    assert client.get("/").status_code == 302
    response = client.post("/simulator/api/messages", json={"address": SHOPPER, "text": "hi"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    sign_in(client, agent)
    assert client.get("/").status_code == 200


def test_a_right_password_signs_in_and_is_audited(
        rt: Runtime, client: FlaskClient, agent: Account) -> None:
    sign_in(client, agent)
    page = client.get("/console/")
    assert page.status_code == 200
    assert "Waiting for a person" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert audit_actions(rt) == ["login"]


def test_session_cookie_is_httponly_lax_and_secure_over_https(
        client: FlaskClient, agent: Account) -> None:
    response = client.post("/console/login", data={
        "email": agent.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie  # PUBLIC_BASE_URL is https in the tests


def test_wrong_password_and_unknown_email_get_the_same_answer(
        rt: Runtime, client: FlaskClient, agent: Account) -> None:
    token = csrf_token(client)
    wrong = client.post("/console/login", data={
        "email": agent.email, "password": "not the password", "csrf_token": token})
    unknown = client.post("/console/login", data={
        "email": "nobody@shop.example", "password": PASSWORD, "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert audit_actions(rt) == ["login_failed", "login_failed"]


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
        rt: Runtime, client: FlaskClient, agent: Account) -> None:
    token = csrf_token(client)
    statuses = [client.post("/console/login", data={
        "email": agent.email, "password": f"guess number {n}", "csrf_token": token}).status_code
        for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    right = client.post("/console/login", data={
        "email": agent.email, "password": PASSWORD, "csrf_token": token})
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    assert "locked" in right.get_data(as_text=True)
    assert "lockout" in audit_actions(rt)
    # Once the lock runs out the right password works again.
    with rt.db.session() as s:
        s.execute(update(Agent).values(locked_until=utcnow() - timedelta(seconds=1)))
    sign_in(client, agent)


def test_logout_ends_the_session_even_for_a_copied_cookie(
        client: FlaskClient, agent: Account) -> None:
    token = sign_in(client, agent)
    copied = client.get_cookie("session")
    assert copied is not None
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/console/").status_code == 302
    client.set_cookie("session", copied.value)
    response = client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login")


def test_login_goes_back_to_the_page_asked_for_but_never_to_another_site(
        client: FlaskClient, agent: Account) -> None:
    for target, expected in (("/console/admin/canned", "/console/admin/canned"),
                             ("//evil.example/x", "/console/"),
                             ("https://evil.example/", "/console/"),
                             ("/\\evil.example", "/console/"),
                             ("/console/\r\nSet-Cookie: a=b", "/console/")):
        client.delete_cookie("session")
        response = client.post("/console/login", data={
            "email": agent.email, "password": PASSWORD, "next": target,
            "csrf_token": csrf_token(client)})
        assert response.headers["Location"] == expected


def test_an_agent_cannot_reach_admin_pages(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    conv_id = waiting_conversation(rt, client, fake_twilio)
    token = sign_in(client, agent)
    assert client.get("/console/admin/dashboard").status_code == 403
    assert client.get("/console/admin/canned").status_code == 403
    edit = client.post("/console/admin/canned", data={
        "locale": "en", "title": "x", "body": "y", "csrf_token": token})
    assert edit.status_code == 403
    reveal = client.post(f"/console/conversations/{conv_id}/reveal",
                         headers={"X-CSRFToken": token})
    assert reveal.status_code == 403
    assert SHOPPER.split(":")[1] not in reveal.get_data(as_text=True)
    assert "reveal" not in audit_actions(rt)
    page = client.get("/console/").get_data(as_text=True)
    assert "/console/admin/dashboard" not in page


def test_an_admin_reaches_admin_pages(client: FlaskClient, admin: Account) -> None:
    sign_in(client, admin)
    assert client.get("/console/admin/dashboard").status_code == 200
    assert client.get("/console/admin/canned").status_code == 200


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(
        rt: Runtime, client: FlaskClient, fake_twilio: FakeTwilio, agent: Account) -> None:
    conv_id = waiting_conversation(rt, client, fake_twilio)
    sign_in(client, agent)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/console/conversations/{conv_id}/takeover", data=data)
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
    with rt.db.session() as s:
        conv = s.get(Conversation, conv_id)
        assert conv is not None and conv.status == "waiting"
    assert client.post("/console/logout").status_code == 400
    assert client.get("/console/").status_code == 200  # still signed in


def test_a_login_without_the_csrf_token_is_refused(client: FlaskClient, agent: Account) -> None:
    response = client.post("/console/login", data={"email": agent.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302
