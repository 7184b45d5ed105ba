"""Replies out: retries that honour the provider's wait, permanent errors, order, statuses.

Signed webhooks in through the app, real RQ jobs on the real Redis, the real Twilio and
Telegram SDKs against the local fakes; on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select

from bot.models import ConsentEvent, DeliveryEvent, Direction, Message, Outbox
from bot.runtime import Runtime
from tests.support import (
    post_telegram,
    post_twilio,
    run_jobs,
    telegram_update,
    twilio_form,
    work_once,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WHATSAPP = "whatsapp:+5511987654321"
SMS = "+14155550123"
CHAT = 4242
# For tests of behaviour no database could change (how a channel's errors map, what an
# attachment gets): their twins on PostgreSQL would only double the wait for retries.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def outbound(rt: Runtime) -> list[Message]:
    with rt.db.session() as s:
        return list(s.scalars(select(Message).where(Message.direction == Direction.OUT.value)
                              .order_by(Message.id)))


def outbox(rt: Runtime) -> list[Outbox]:
    with rt.db.session() as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.id)))


def say_twilio(client: Any, fake: Any, frm: str, text: str, **extra: str) -> None:
    assert post_twilio(client, fake.auth_token, twilio_form(frm, text, **extra)).status_code == 200


def say_telegram(client: Any, text: str | None = None, **kwargs: Any) -> None:
    assert post_telegram(client, telegram_update(CHAT, text, **kwargs)).status_code == 200


def telegram_texts(fake: Any) -> list[str]:
    return [c.params["text"] for c in fake.sent if c.method == "sendMessage"]


# -- what providers said about a send is recorded -------------------------------------------


def test_a_twilio_send_records_the_sid_and_twilios_first_status(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say_twilio(client, fake_twilio, WHATSAPP, "oi")
    run_jobs(rt)
    [sent] = fake_twilio.messages
    [message] = outbound(rt)
    assert (message.provider_id, message.status) == (sent.sid, "queued")
    assert message.meta == {"provider_ids": [sent.sid]}
    assert message.sent_at is not None
    assert sent.get("StatusCallback") == "https://bot.example.com/webhooks/twilio/status"


@sqlite_only
def test_a_telegram_send_records_the_message_id_telegram_gave(
    rt: Runtime, client: Any, fake_telegram: Any
) -> None:
    say_telegram(client, "hello there")
    run_jobs(rt)
    [message] = outbound(rt)
    [call] = [c for c in fake_telegram.sent if c.method == "sendMessage"]
    assert call.chat_id == str(CHAT)
    assert message.status == "sent"
    assert message.provider_id is not None and message.provider_id.isdigit()
    [row] = outbox(rt)
    assert (row.state, row.attempts, row.parts_sent) == ("done", 1, 1)


@sqlite_only
def test_a_button_press_on_telegram_is_answered_so_its_spinner_stops(
    rt: Runtime, client: Any, fake_telegram: Any
) -> None:
    say_telegram(client, "hi")
    run_jobs(rt)
    say_telegram(client, data="language")
    run_jobs(rt)
    [ack] = [c for c in fake_telegram.sent if c.method == "answerCallbackQuery"]
    assert ack.params["callback_query_id"].startswith("cb")
    assert telegram_texts(fake_telegram)[-1] == "Which language do you prefer?"


# -- Twilio status callbacks ------------------------------------------------------------


def status(client: Any, fake: Any, sid: str, value: str, token: str | None = None,
           **extra: str) -> int:
    form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": value, "SmsStatus": value,
            "AccountSid": fake.account_sid, "From": "whatsapp:+14155238886", "To": WHATSAPP,
            "ApiVersion": "2010-04-01", **extra}
    response = post_twilio(client, token or fake.auth_token, form,
                           path="/webhooks/twilio/status")
    return int(response.status_code)


def test_status_callbacks_move_a_message_up_the_delivery_ladder_only(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say_twilio(client, fake_twilio, WHATSAPP, "oi")
    run_jobs(rt)
    [sent] = fake_twilio.messages
    # Callbacks arrive out of order: a late `sent` never overwrites `delivered`.
    for value, expected in [("sent", "sent"), ("delivered", "delivered"), ("sent", "delivered"),
                            ("read", "read"), ("delivered", "read")]:
        assert status(client, fake_twilio, sent.sid, value) == 200
        [message] = outbound(rt)
        assert message.status == expected, value
    with rt.db.session() as s:
        events = s.scalars(select(DeliveryEvent.status).order_by(DeliveryEvent.id)).all()
    assert events == ["sent", "delivered", "sent", "read", "delivered"]


def test_a_failed_status_records_twilios_error_code(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say_twilio(client, fake_twilio, WHATSAPP, "oi")
    run_jobs(rt)
    [sent] = fake_twilio.messages
    assert status(client, fake_twilio, sent.sid, "sent") == 200
    assert status(client, fake_twilio, sent.sid, "undelivered", ErrorCode="63016") == 200
    [message] = outbound(rt)
    assert (message.status, message.error_code) == ("undelivered", "63016")


@sqlite_only
def test_a_status_for_a_message_souk_never_sent_is_acknowledged_and_ignored(
    rt: Runtime, client: Any, fake_twilio: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    assert status(client, fake_twilio, "SM" + "e" * 32, "delivered") == 200
    assert "status for an unknown message" in caplog.text
    with rt.db.session() as s:
        assert s.scalars(select(DeliveryEvent)).all() == []


def test_a_status_callback_with_a_bad_signature_changes_nothing(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say_twilio(client, fake_twilio, WHATSAPP, "oi")
    run_jobs(rt)
    [sent] = fake_twilio.messages
    assert status(client, fake_twilio, sent.sid, "delivered", token="not-the-token") == 403
    [message] = outbound(rt)
    assert message.status == "queued"


# -- transient failures: retried after the provider's wait, delivered once ----------------


def test_twilio_429_is_retried_after_its_retry_after_and_delivered_once(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    fake_twilio.fail_next(status=429, retry_after=1)
    say_twilio(client, fake_twilio, WHATSAPP, "oi")
    run_jobs(rt)
    (refused_at, _, first), (accepted_at, _, second) = fake_twilio.attempts
    assert (first, second) == (429, 201)
    assert 1.0 <= accepted_at - refused_at < 4.0
    assert len(fake_twilio.messages) == 1
    [message] = outbound(rt)
    [row] = outbox(rt)
    assert (message.status, row.state, row.attempts, row.last_error) == ("queued", "done", 2,
                                                                         None)


def test_twilio_5xx_is_retried_and_delivered_once(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    fake_twilio.fail_next(status=503)
    say_twilio(client, fake_twilio, SMS, "hello")
    run_jobs(rt)
    assert [a[2] for a in fake_twilio.attempts] == [503, 201]
    assert len(fake_twilio.messages) == 1
    assert outbox(rt)[0].attempts == 2


@sqlite_only
def test_telegram_429_is_retried_after_its_retry_after_and_delivered_once(
    rt: Runtime, client: Any, fake_telegram: Any
) -> None:
    fake_telegram.fail_next(429, retry_after=1, method="sendMessage")
    say_telegram(client, "hello there")
    run_jobs(rt)
    [refused] = fake_telegram.refused
    [accepted] = [c for c in fake_telegram.sent if c.method == "sendMessage"]
    assert 1.0 <= accepted.at - refused.at < 4.0
    [message] = outbound(rt)
    assert (message.status, outbox(rt)[0].attempts) == ("sent", 2)


@sqlite_only
def test_telegram_5xx_is_retried_and_delivered_once(
    rt: Runtime, client: Any, fake_telegram: Any
) -> None:
    fake_telegram.fail_next(502, method="sendMessage")
    say_telegram(client, "hello there")
    run_jobs(rt)
    assert [c.status for c in fake_telegram.refused] == [502]
    assert len(telegram_texts(fake_telegram)) == 1


# -- permanent failures: recorded on the message, never retried -----------------------------


def test_twilio_21610_is_recorded_as_a_carrier_opt_out_and_not_retried(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    fake_twilio.fail_next(status=400, code=21610)
    say_twilio(client, fake_twilio, SMS, "hello")
    run_jobs(rt)
    [message] = outbound(rt)
    assert (message.status, message.error_code) == ("failed", "21610")
    assert "unsubscribed recipient" in (message.error_message or "")
    [row] = outbox(rt)
    assert (row.state, row.attempts) == ("done", 1)
    with rt.db.session() as s:
        [consent] = s.scalars(select(ConsentEvent)).all()
    assert (consent.granted, consent.source, consent.topic) == (False, "carrier", "all")
    run_jobs(rt)
    assert len(fake_twilio.attempts) == 1


@sqlite_only
def test_a_telegram_shopper_who_blocked_the_bot_is_recorded_and_not_retried(
    rt: Runtime, client: Any, fake_telegram: Any
) -> None:
    fake_telegram.fail_next(403, description="Forbidden: bot was blocked by the user",
                            method="sendMessage")
    say_telegram(client, "hello there")
    run_jobs(rt)
    [message] = outbound(rt)
    assert (message.status, message.error_code) == ("failed", "forbidden")
    assert "blocked" in (message.error_message or "")
    assert [c.status for c in fake_telegram.refused] == [403]
    assert fake_telegram.sent == []
    assert outbox(rt)[0].attempts == 1


def test_a_stop_that_arrives_before_the_send_wins(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say_twilio(client, fake_twilio, SMS, "hello")
    run_jobs(rt)
    fake_twilio.fail_next(status=503)  # the next reply waits for a retry...
    say_twilio(client, fake_twilio, SMS, "help")
    say_twilio(client, fake_twilio, SMS, "STOP")  # ...and STOP comes in meanwhile
    run_jobs(rt)
    bodies = [m.body or "" for m in fake_twilio.messages]
    assert len(bodies) == 2 and bodies[1].startswith("You're unsubscribed")
    help_reply = outbound(rt)[1]
    assert (help_reply.status, help_reply.error_message) == (
        "dropped", "opted out after this message was queued")


# -- order ----------------------------------------------------------------------------


def test_a_reply_waiting_for_a_retry_is_not_overtaken_by_the_next(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    fake_twilio.fail_next(status=500)
    say_twilio(client, fake_twilio, WHATSAPP, "oi")
    say_twilio(client, fake_twilio, WHATSAPP, "ajuda")
    run_jobs(rt)
    bodies = [m.body or "" for m in fake_twilio.messages]
    assert [a[2] for a in fake_twilio.attempts] == [500, 201, 201]
    assert bodies[0].startswith("Oi, Ana!") and bodies[1].startswith("Souk Demo Shop: eu")


@sqlite_only
def test_a_later_messages_reply_waits_behind_an_earlier_retry(
    rt: Runtime, client: Any, fake_telegram: Any
) -> None:
    fake_telegram.fail_next(500, method="sendMessage")
    say_telegram(client, "hello there")
    work_once(rt)  # the first reply failed and waits for its retry
    [row] = outbox(rt)
    assert (row.state, row.attempts) == ("pending", 1)
    say_telegram(client, "help")
    run_jobs(rt)
    texts = telegram_texts(fake_telegram)
    assert texts[0].startswith("Hi Ana!") and texts[1].startswith("Souk Demo Shop: I can")
    assert [c.status for c in fake_telegram.refused] == [500]


# -- what shoppers send besides words -----------------------------------------------------


@sqlite_only
@pytest.mark.parametrize(("fixture", "reply"), [
    ("whatsapp_location", "Obrigado por compartilhar sua localização."),
    ("whatsapp_contact", "Obrigado pelo contato."),
    # A caption is the shopper's words, here in English: read as a product question.
    ("whatsapp_image", "Which product do you mean?"),
])
def test_whatsapp_attachments_get_a_reply_that_fits(
    rt: Runtime, client: Any, fake_twilio: Any, fixture: str, reply: str
) -> None:
    form = dict(parse_qsl((FIXTURES / "twilio" / f"{fixture}.txt").read_text().strip(),
                          keep_blank_values=True))
    say_twilio(client, fake_twilio, form["From"], "oi")
    run_jobs(rt)
    assert post_twilio(client, fake_twilio.auth_token, form).status_code == 200
    run_jobs(rt)
    last = fake_twilio.messages[-1]
    assert last.to == form["From"]
    assert (last.body or "").startswith(reply), last.body


@sqlite_only
@pytest.mark.parametrize(("fixture", "reply"), [
    ("location", "Obrigado por compartilhar sua localização."),
    ("contact", "Obrigado pelo contato."),
    ("voice", "Obrigado! Ainda não consigo abrir fotos, áudios ou arquivos"),
])
def test_telegram_attachments_get_a_reply_that_fits(
    rt: Runtime, client: Any, fake_telegram: Any, fixture: str, reply: str
) -> None:
    body = (FIXTURES / "telegram" / f"{fixture}.json").read_text()
    assert post_telegram(client, telegram_update(42, "oi, tudo bem?")).status_code == 200
    run_jobs(rt)
    assert post_telegram(client, body).status_code == 200
    run_jobs(rt)
    assert telegram_texts(fake_telegram)[-1].startswith(reply)
