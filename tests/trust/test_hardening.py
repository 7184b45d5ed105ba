"""HTTP hardening: headers and CSP on every response, size limits on every route,
per-key API rate limits, and the simulator off in production unless asked for."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.api import SCOPES
from bot.api.keys import create_key
from bot.app import create_app
from bot.config import Settings
from bot.models import Conversation, Message, Payment
from bot.runtime import Runtime, install
from bot.security import PAGE_CSP
from tests.conftest import PUBLIC_BASE_URL, make_env
from tests.console.conftest import make_account, sign_in
from tests.fakes.signing import twilio_signature
from tests.payments.shopper import place_order
from tests.support import twilio_form

SAMPLES = {"address": "whatsapp:+5511987654321", "filename": "simulator.css"}


def routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, concrete URL) for every route of the app."""
    found = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: SAMPLES.get(m.group(1), "x"), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def test_every_route_refuses_an_oversized_body_with_413_json(rt, app, client, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger="bot.security")
    limit = rt.settings.max_webhook_bytes
    checked = routes(app) + [("POST", "/no/such/route")]
    assert len(checked) >= 8
    for method, url in checked:
        caplog.clear()
        response = client.open(url, method=method, data=b"x" * (limit + 1),
                               content_type="application/json")
        assert response.status_code == 413, (method, url, response.status_code)
        # JSON even where a blueprint renders its errors as pages (the console).
        assert response.json["error"]["code"] == "payload_too_large", (method, url)
        [line] = [r.getMessage() for r in caplog.records if "status=413" in r.getMessage()]
        assert f"method={method} " in line and "xxxx" not in line, (method, url)


def test_a_chunked_body_without_a_length_is_cut_off_too(rt, client):  # type: ignore[no-untyped-def]
    big = io.BytesIO(b'{"update_id": 1, "message": {"text": "' + b"a" * 200_000 + b'"}}')
    # What a WSGI server passes for Transfer-Encoding: chunked: no length, a terminated input.
    response = client.post("/webhooks/telegram", input_stream=big,
                           headers={"Transfer-Encoding": "chunked",
                                    "Content-Type": "application/json",
                                    "X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_a_chunked_form_under_the_limit_is_read_whole(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    form = twilio_form("+14155550123", "hello " * 100)
    signature = twilio_signature(PUBLIC_BASE_URL + "/webhooks/twilio", form, fake_twilio.auth_token)
    response = client.post("/webhooks/twilio", input_stream=io.BytesIO(urlencode(form).encode()),
                           headers={"Transfer-Encoding": "chunked", "X-Twilio-Signature": signature,
                                    "Content-Type": "application/x-www-form-urlencoded"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 200
    with rt.db.session() as s:
        assert s.scalar(select(Message.body)) == "hello " * 100


@pytest.mark.parametrize("url", ["/healthz", "/api/v1/openapi.json", "/webhooks/twilio",
                                 "/api/v1/customers/x/export", "/nowhere"])
def test_every_response_carries_the_security_headers(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    # PUBLIC_BASE_URL is https in the tests: browsers must keep to https.
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def pages(rt, app, password_hash):  # type: ignore[no-untyped-def]
    """(what, URL, status, client) for every kind of HTML page souk serves."""
    payment_id = place_order(rt)
    with rt.db.session() as s:
        checkout = s.get(Payment, payment_id).url.removeprefix(rt.settings.public_base_url)
        conversation_id = s.scalar(select(Conversation.id))
    anonymous = app.test_client()
    # Outside embedded mode the simulator needs a console login (CONTRACT.md): an admin
    # sees every console page too.
    admin = app.test_client()
    sign_in(admin, make_account(rt, password_hash, "csp@shop.example", "admin"))
    return [
        ("simulator", "/", 200, admin),
        ("console login", "/console/login", 200, anonymous),
        ("console inbox", "/console/", 200, admin),
        ("console inbox rows", "/console/inbox/rows", 200, admin),
        ("console conversation", f"/console/conversations/{conversation_id}", 200, admin),
        ("console live part", f"/console/conversations/{conversation_id}/live", 200, admin),
        ("console dashboard", "/console/admin/dashboard", 200, admin),
        ("console canned replies", "/console/admin/canned", 200, admin),
        ("console error", "/console/conversations/999999", 404, admin),
        ("test checkout", checkout, 200, anonymous),
        ("checkout done", "/pay/done?result=paid", 200, anonymous),
        ("checkout link not found", "/pay/not-a-token", 404, anonymous),
    ]


def test_pages_get_a_strict_policy_without_inline_code(rt, app, password_hash):  # type: ignore[no-untyped-def]
    for what, url, status, client in pages(rt, app, password_hash):
        response = client.get(url)
        assert response.status_code == status, (what, response.status_code)
        assert response.mimetype == "text/html", what
        csp = response.headers["Content-Security-Policy"]
        assert csp == PAGE_CSP, what
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        page = response.get_data(as_text=True)
        # The page itself keeps to it: no inline script, style or handler.
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), what
        assert "<style" not in page and " style=" not in page, what
        assert not re.search(r"\son[a-z]+=", page), what


def test_no_hsts_over_plain_http(settings):  # type: ignore[no-untyped-def]
    plain = dataclasses.replace(settings, public_base_url="http://127.0.0.1:8000")
    rt = Runtime.from_settings(plain)
    install(rt)
    try:
        response = create_app(rt=rt).test_client().get("/healthz")
        assert "Strict-Transport-Security" not in response.headers
    finally:
        install(None)
        rt.close()


@pytest.mark.parametrize(("extra", "simulator"), [
    ({"SOUK_ENV": "production"}, False),
    ({"SOUK_ENV": "production", "SOUK_ENABLE_SIMULATOR": "true"}, True),
    ({"SOUK_ENV": "test"}, True),
    ({"SOUK_ENV": "test", "SOUK_ENABLE_SIMULATOR": "false"}, False),
])
def test_the_simulator_is_off_in_production_unless_asked_for(database_url, redis_url,  # type: ignore[no-untyped-def]
                                                             fake_twilio, fake_telegram,
                                                             password_hash, extra, simulator):
    env = make_env(database_url, redis_url, fake_twilio, fake_telegram, **extra)
    settings = Settings.from_env(env)
    assert settings.enable_test_checkout is (extra.get("SOUK_ENV") != "production")
    assert not settings.embedded
    rt = Runtime.from_settings(settings)
    install(rt)
    try:
        client = create_app(rt=rt).test_client()
        # With Redis the simulator is for console users (CONTRACT.md); signed in or not,
        # it is not there at all when it is off.
        assert client.get("/").status_code == (302 if simulator else 404)
        sign_in(client, make_account(rt, password_hash, "sim@shop.example"))
        page = client.get("/")
        api = client.post("/simulator/api/messages",
                          json={"address": "whatsapp:+5511987654321", "text": "hi"})
        assert (page.status_code == 200) is simulator
        assert (api.status_code == 202) is simulator
        if not simulator:
            assert (page.status_code, api.status_code) == (404, 404)
    finally:
        install(None)
        rt.close()


def test_an_api_key_over_its_limit_gets_429_with_retry_after(settings):  # type: ignore[no-untyped-def]
    tight = dataclasses.replace(settings, api_rate_limit=(3, 60.0))
    rt = Runtime.from_settings(tight)
    install(rt)
    try:
        client = create_app(rt=rt).test_client()
        busy = create_key(rt.db, "busy", list(SCOPES))
        calm = create_key(rt.db, "calm", list(SCOPES))
        url = "/api/v1/customers/telegram:42/export"
        codes = [client.get(url, headers={"Authorization": f"Bearer {busy}"}).status_code
                 for _ in range(3)]
        refused = client.get(url, headers={"Authorization": f"Bearer {busy}"})
        assert codes == [404, 404, 404]
        assert refused.status_code == 429
        assert refused.json["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 20
        other = client.get(url, headers={"Authorization": f"Bearer {calm}"})
        assert other.status_code == 404  # each key has its own budget
    finally:
        install(None)
        rt.close()


def test_settings_never_show_secrets(settings):  # type: ignore[no-untyped-def]
    shown = repr(settings)
    for secret in settings.secret_values():
        assert secret not in shown
    assert "test-secret-key" in settings.secret_values()
