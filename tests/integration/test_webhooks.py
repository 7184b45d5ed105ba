"""Webhooks end to end: signed requests in, stored once, replies at the fake providers."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.models import Message
from tests.support import (
    next_sid,
    post_telegram,
    post_twilio,
    run_jobs,
    telegram_update,
    twilio_form,
)


def count_messages(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Message)) or 0)


def test_whatsapp_greeting_gets_the_menu(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    response = post_twilio(client, fake_twilio.auth_token,
                           twilio_form("whatsapp:+5511987654321", "Oi, tudo bem?"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    run_jobs(rt)
    [sent] = fake_twilio.messages
    assert sent.to == "whatsapp:+5511987654321"
    assert sent.from_ == "whatsapp:+14155238886"
    assert sent.body.startswith("Oi, Ana! Bem-vindo(a) à Souk Demo Shop."), sent.body
    assert "1. Comprar" in sent.body


def test_duplicate_message_sid_is_answered_once(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    form = twilio_form("sms:+14155550123".removeprefix("sms:"), "hello there", sid=next_sid())
    for _ in range(3):
        assert post_twilio(client, fake_twilio.auth_token, form).status_code == 200
    run_jobs(rt)
    assert len(fake_twilio.messages) == 1
    assert count_messages(rt) == 2  # one in, one out


def test_wrong_or_missing_signature_is_refused_and_stores_nothing(rt, client, fake_twilio):  # type: ignore[no-untyped-def]
    form = twilio_form("+14155550123", "hello")
    assert post_twilio(client, fake_twilio.auth_token, form, signature="bm90IGl0").status_code == 403
    assert post_twilio(client, fake_twilio.auth_token, form, signature="").status_code == 403
    assert post_twilio(client, "another-token", form).status_code == 403
    run_jobs(rt)
    assert count_messages(rt) == 0
    assert fake_twilio.messages == []


def test_telegram_duplicate_update_is_answered_once(rt, client, fake_telegram):  # type: ignore[no-untyped-def]
    update = telegram_update(4242, "hello", update_id=555)
    for _ in range(3):
        assert post_telegram(client, update).status_code == 200
    run_jobs(rt)
    sends = [c for c in fake_telegram.sent if c.method == "sendMessage"]
    assert len(sends) == 1
    assert sends[0].chat_id == "4242"


def test_telegram_wrong_secret_is_refused(rt, client, fake_telegram):  # type: ignore[no-untyped-def]
    assert post_telegram(client, telegram_update(1, "hi"), secret="nope").status_code == 403
    assert post_telegram(client, telegram_update(1, "hi"), secret=None).status_code == 403
    assert count_messages(rt) == 0
