"""Bad webhooks on every route: a clear 4xx, one log line, nothing stored, nothing queued.

Also the update kinds souk does not handle: 200 (a provider retries anything else, in a
loop), logged, nothing stored or sent.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.config import Settings
from bot.models import Conversation, Message
from bot.runtime import QUEUES, Runtime
from tests.conftest import PUBLIC_BASE_URL, TELEGRAM_SECRET, make_env
from tests.fakes.signing import twilio_signature
from tests.support import post_telegram, post_twilio, run_jobs, telegram_update, twilio_form

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telegram"
SHOPPER = "+14155550123"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Refusals touch no database; the pipeline tests run on PostgreSQL as well."""
    return sqlite_url


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def assert_untouched(rt: Runtime) -> None:
    """Nothing stored, nothing queued."""
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 0
        assert s.scalar(select(func.count()).select_from(Conversation)) == 0
    assert sum(rt.queue(name).count for name in QUEUES) == 0


def refusal(logs: pytest.LogCaptureFixture, provider: str, status: int) -> str:
    """The one log line that says why a request was refused."""
    lines = [r.getMessage() for r in logs.records if r.name == "bot.webhooks"
             and f"provider={provider} status={status}" in r.getMessage()]
    assert len(lines) == 1, logs.text
    return lines[0]


def error_code(response: Any) -> str:
    body = response.get_json()
    assert set(body["error"]) == {"code", "message"}, body
    return str(body["error"]["code"])


# -- Twilio inbound ---------------------------------------------------------------------


def without(form: dict[str, str], *keys: str) -> dict[str, str]:
    return {k: v for k, v in form.items() if k not in keys}


MALFORMED_TWILIO = {
    "no MessageSid": without(twilio_form(SHOPPER, "hi"), "MessageSid", "SmsSid",
                             "SmsMessageSid"),
    "a short MessageSid": twilio_form(SHOPPER, "hi", sid="SM123"),
    "no From": without(twilio_form(SHOPPER, "hi"), "From"),
    "no To": without(twilio_form(SHOPPER, "hi"), "To"),
    "a From that is no number": twilio_form("call me maybe", "hi"),
    "a WhatsApp From without a number": twilio_form("whatsapp:5511987654321", "oi"),
    "a NumMedia that is no count": twilio_form(SHOPPER, "hi", NumMedia="lots"),
    "media without a URL": twilio_form(SHOPPER, "hi", NumMedia="1"),
    "a latitude that is no number": twilio_form(f"whatsapp:{SHOPPER}", "", Latitude="north",
                                                Longitude="1"),
    "a latitude off the globe": twilio_form(f"whatsapp:{SHOPPER}", "", Latitude="123",
                                            Longitude="1"),
    "a status callback": twilio_form(SHOPPER, "", SmsStatus="delivered",
                                     MessageStatus="delivered"),
}


@pytest.mark.parametrize("form", MALFORMED_TWILIO.values(), ids=MALFORMED_TWILIO.keys())
def test_a_signed_twilio_form_that_is_no_message_is_400(
    rt: Runtime, client: Any, fake_twilio: Any, logs: pytest.LogCaptureFixture,
    form: dict[str, str],
) -> None:
    response = post_twilio(client, fake_twilio.auth_token, form)
    assert response.status_code == 400
    assert error_code(response) == "malformed_payload"
    refusal(logs, "twilio", 400)
    assert_untouched(rt)


@pytest.mark.parametrize(("body", "content_type"), [
    (b"Body=%FF%FE&From=%2B14155550123", "application/x-www-form-urlencoded"),
    (b"Body=\xff\xfe\x00&From=\xc3", "application/x-www-form-urlencoded"),
    (b"\x00\x01garbage%%%&&&===", "application/x-www-form-urlencoded"),
    (b'{"MessageSid": "SM1", "Body": "hi"}', "application/json"),
    (b"", "application/x-www-form-urlencoded"),
], ids=["percent-encoded non-UTF-8", "raw non-UTF-8", "garbage", "JSON", "empty"])
def test_a_twilio_body_nobody_can_have_signed_is_refused(
    rt: Runtime, client: Any, fake_twilio: Any, logs: pytest.LogCaptureFixture,
    body: bytes, content_type: str,
) -> None:
    # Signed over the form Twilio would have meant: the body is not that form.
    signature = twilio_signature(PUBLIC_BASE_URL + "/webhooks/twilio",
                                 twilio_form(SHOPPER, "hi"), fake_twilio.auth_token)
    response = client.post("/webhooks/twilio", data=body, content_type=content_type,
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert error_code(response) == "bad_signature"
    refusal(logs, "twilio", 403)
    assert_untouched(rt)


@pytest.mark.parametrize("path", ["/webhooks/twilio", "/webhooks/twilio/status",
                                  "/webhooks/telegram", "/simulator/api/messages"])
def test_a_body_over_the_limit_is_413_before_it_is_read(
    rt: Runtime, client: Any, fake_twilio: Any, logs: pytest.LogCaptureFixture, path: str,
    request: pytest.FixtureRequest,
) -> None:
    if path.startswith("/simulator"):
        client = request.getfixturevalue("signed_in_client")
    limit = rt.settings.max_webhook_bytes
    if "twilio" in path:
        form = twilio_form(SHOPPER, "x" * limit)
        response = post_twilio(client, fake_twilio.auth_token, form, path=path)
    elif "telegram" in path:
        response = post_telegram(client, telegram_update(42, "x" * limit))
    else:
        body = json.dumps({"address": f"sms:{SHOPPER}", "text": "x" * limit})
        response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    # Refused for every route alike before any view runs (bot/security.py), in one line.
    [line] = [r.getMessage() for r in logs.records if "status=413" in r.getMessage()]
    assert f"route={path} reason=body over {limit} bytes" in line
    assert "xxxxxxxx" not in logs.text  # never the body
    assert_untouched(rt)


def test_a_body_just_under_the_limit_is_taken(rt: Runtime, client: Any, fake_twilio: Any
                                              ) -> None:
    form = twilio_form(SHOPPER, "")
    room = rt.settings.max_webhook_bytes - len(urlencode(form)) - 10
    form["Body"] = "a" * (room // 2)
    assert post_twilio(client, fake_twilio.auth_token, form).status_code == 200


# -- Twilio status callbacks --------------------------------------------------------------


@pytest.mark.parametrize("form", [
    {"MessageSid": "SM" + "1" * 32, "AccountSid": "AC" + "0" * 32},
    {"MessageSid": "SM" + "1" * 32, "MessageStatus": "<script>"},
    {"MessageSid": "nope", "MessageStatus": "delivered"},
    {"MessageSid": "SM" + "1" * 32, "MessageStatus": "failed", "ErrorCode": "abc"},
], ids=["no status", "a status that is no word", "a bad sid", "an error code that is no number"])
def test_a_signed_status_callback_that_makes_no_sense_is_400(
    rt: Runtime, client: Any, fake_twilio: Any, logs: pytest.LogCaptureFixture,
    form: dict[str, str],
) -> None:
    response = post_twilio(client, fake_twilio.auth_token, form, path="/webhooks/twilio/status")
    assert response.status_code == 400
    refusal(logs, "twilio-status", 400)


# -- Telegram -----------------------------------------------------------------------------

MALFORMED_TELEGRAM: dict[str, bytes] = {
    "not JSON": b"hello",
    "non-UTF-8": b'{"update_id": 1, "message": "\xff\xfe"}',
    "a JSON list": b"[1, 2, 3]",
    "a JSON string": b'"update"',
    "no update_id": json.dumps({"message": {"text": "hi"}}).encode(),
    "an update_id that is text": json.dumps({"update_id": "7"}).encode(),
    "an update_id that is true": json.dumps({"update_id": True}).encode(),
    "a message that is text": json.dumps({"update_id": 7, "message": "hi"}).encode(),
    "a chat id that is text": json.dumps({"update_id": 7, "message": {
        "message_id": 1, "date": 0, "chat": {"id": "ana", "type": "private"},
        "text": "hi"}}).encode(),
    "a message without a chat": json.dumps({"update_id": 7, "message": {
        "message_id": 1, "date": 0, "text": "hi"}}).encode(),
    "a location off the globe": json.dumps({"update_id": 7, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"},
        "location": {"latitude": 500, "longitude": 0}}}).encode(),
    "JSON nested too deep": b"[" * 20000 + b"]" * 20000,
}


@pytest.mark.parametrize("body", MALFORMED_TELEGRAM.values(), ids=MALFORMED_TELEGRAM.keys())
def test_a_telegram_body_that_is_not_an_update_is_400(
    rt: Runtime, client: Any, logs: pytest.LogCaptureFixture, body: bytes
) -> None:
    response = post_telegram(client, body)
    assert response.status_code == 400
    assert error_code(response) == "malformed_payload"
    refusal(logs, "telegram", 400)
    assert_untouched(rt)


def test_a_telegram_update_that_is_not_json_typed_is_400(
    rt: Runtime, client: Any, logs: pytest.LogCaptureFixture
) -> None:
    response = client.post("/webhooks/telegram", data=json.dumps(telegram_update(42, "hi")),
                           content_type="text/plain",
                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 400
    refusal(logs, "telegram", 400)
    assert_untouched(rt)


@pytest.mark.parametrize(("fixture", "kind"), [
    ("edited_message", "edited_message"),
    ("my_chat_member", "my_chat_member"),
    ("group_message", "message in a supergroup chat"),
])
def test_update_kinds_souk_does_not_handle_are_acknowledged_and_logged(
    rt: Runtime, client: Any, fake_telegram: Any, logs: pytest.LogCaptureFixture,
    fixture: str, kind: str,
) -> None:
    body = (FIXTURES / f"{fixture}.json").read_bytes()
    for _ in range(2):  # Telegram's retry of it is acknowledged the same way
        assert post_telegram(client, body).status_code == 200
    lines = [r.getMessage() for r in logs.records if "nothing to handle" in r.getMessage()]
    assert lines == [f"webhook acknowledged, nothing to handle provider=telegram kind={kind}"] * 2
    run_jobs(rt)
    assert_untouched(rt)
    assert fake_telegram.sent == []


@pytest.mark.parametrize("update", [
    {"update_id": 9, "poll": {"id": "1", "question": "?", "options": [], "total_voter_count": 0,
                              "is_closed": False, "is_anonymous": True, "type": "regular",
                              "allows_multiple_answers": False}},
    {"update_id": 9, "channel_post": {"message_id": 1, "date": 0,
                                      "chat": {"id": -1001, "type": "channel"}, "text": "hi"}},
    {"update_id": 9, "some_kind_from_next_year": {"id": 1}},
    {"update_id": 9},
], ids=["poll", "channel post", "an unknown kind", "nothing at all"])
def test_other_updates_are_acknowledged_without_a_trace(
    rt: Runtime, client: Any, fake_telegram: Any, update: dict[str, Any]
) -> None:
    assert post_telegram(client, update).status_code == 200
    run_jobs(rt)
    assert_untouched(rt)
    assert fake_telegram.sent == []


# -- The simulator's API ----------------------------------------------------------------


@pytest.mark.parametrize(("body", "code"), [
    (b"not json", "invalid_json"),
    (b"[]", "invalid_json"),
    (json.dumps({"text": "hi"}).encode(), "invalid_address"),
    (json.dumps({"address": "whatsapp:5511", "text": "hi"}).encode(), "invalid_address"),
    (json.dumps({"address": "web:sms:+14155550123", "text": "hi"}).encode(), "invalid_address"),
    (json.dumps({"address": "telegram:ana", "text": "hi"}).encode(), "invalid_address"),
    (json.dumps({"address": "sms:+14155550123", "text": 42}).encode(), "invalid_message"),
    (json.dumps({"address": "sms:+14155550123", "text": "  "}).encode(), "empty_message"),
])
def test_the_simulator_refuses_what_it_cannot_send(
    rt: Runtime, signed_in_client: Any, logs: pytest.LogCaptureFixture, body: bytes, code: str
) -> None:
    response = signed_in_client.post("/simulator/api/messages", data=body, content_type="application/json")
    assert response.status_code == 400
    assert error_code(response) == code
    assert f"simulator refused status=400 code={code}" in logs.text
    assert_untouched(rt)


# -- Providers that are not configured ------------------------------------------------------


def test_webhooks_of_an_unconfigured_provider_are_503(
    database_url: str, redis_url: str, fake_twilio: Any, fake_telegram: Any,
    logs: pytest.LogCaptureFixture,
) -> None:
    env = make_env(database_url, redis_url, fake_twilio, fake_telegram)
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN",
                 "TELEGRAM_WEBHOOK_SECRET"):
        del env[name]
    rt = Runtime.from_settings(Settings.from_env(env))
    try:
        client = create_app(rt=rt).test_client()
        assert post_twilio(client, fake_twilio.auth_token,
                           twilio_form(SHOPPER, "hi")).status_code == 503
        assert post_telegram(client, telegram_update(42, "hi")).status_code == 503
        refusal(logs, "twilio", 503)
        assert_untouched(rt)
    finally:
        rt.close()
