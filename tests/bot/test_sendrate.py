"""The outbound limiter, against a real Redis: windows, all-or-nothing slots, settling."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import redis

from bot import sendrate
from bot.config import Settings
from bot.errors import ConfigError
from channels.base import Address

TOKEN = "123456:secret-part"


@pytest.fixture
def limiter(redis_url: str) -> Iterator[SimpleNamespace]:
    """A runtime as far as the limiter cares: settings and Redis."""
    conn = redis.Redis.from_url(redis_url)

    def with_rates(rates: str) -> SimpleNamespace:
        settings = Settings.from_env({
            "SOUK_SEND_RATES": rates, "TELEGRAM_BOT_TOKEN": TOKEN,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t",
            "TWILIO_SMS_FROM": "+14155550199", "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
        })
        return SimpleNamespace(settings=settings, redis=conn)

    yield SimpleNamespace(with_rates=with_rates)
    conn.close()


CHAT = {"method": "sendMessage", "text": "hi"}


def test_a_full_window_says_how_long_to_wait(limiter: SimpleNamespace) -> None:
    rt = limiter.with_rates("telegram=30,telegram_chat=off")
    slots = [sendrate.acquire(rt, Address("telegram", str(chat)), CHAT) for chat in range(30)]
    assert all(slot.wait == 0 for slot in slots)
    refused = sendrate.acquire(rt, Address("telegram", "99"), CHAT)
    assert 0 < refused.wait <= 1.0


def test_each_telegram_chat_has_its_own_second(limiter: SimpleNamespace) -> None:
    rt = limiter.with_rates("telegram=30,telegram_chat=1")
    first = sendrate.acquire(rt, Address("telegram", "42"), CHAT)
    again = sendrate.acquire(rt, Address("telegram", "42"), CHAT)
    other = sendrate.acquire(rt, Address("telegram", "43"), CHAT)
    assert first.wait == 0 and other.wait == 0
    assert 0.9 < again.wait <= 1.0


def test_a_refused_message_takes_no_slot_anywhere(limiter: SimpleNamespace) -> None:
    rt = limiter.with_rates("telegram=2,telegram_chat=1")
    assert sendrate.acquire(rt, Address("telegram", "1"), CHAT).wait == 0
    assert sendrate.acquire(rt, Address("telegram", "2"), CHAT).wait == 0
    # The bot's window is full: chat 3 is refused, and so keeps its own slot free.
    assert sendrate.acquire(rt, Address("telegram", "3"), CHAT).wait > 0
    chat_key = f"{sendrate.PREFIX}telegram:123456:chat:3"
    assert rt.redis.zcard(chat_key) == 0


def test_settling_counts_the_slot_from_when_the_provider_answered(
    limiter: SimpleNamespace,
) -> None:
    rt = limiter.with_rates("sms=1")
    sms = Address("sms", "+14155550123")
    slot = sendrate.acquire(rt, sms, {"body": "hi"})
    time.sleep(0.3)  # the provider takes its time to answer
    before = sendrate.acquire(rt, sms, {"body": "hi"}).wait
    sendrate.settle(rt, slot)
    after = sendrate.acquire(rt, sms, {"body": "hi"}).wait
    assert before < 0.75 and after > 0.95


def test_an_sms_costs_its_segments(limiter: SimpleNamespace) -> None:
    rt = limiter.with_rates("sms=3")
    sms = Address("sms", "+14155550123")
    assert sendrate.acquire(rt, sms, {"body": "x" * 300}).wait == 0  # two segments
    assert sendrate.acquire(rt, sms, {"body": "short"}).wait == 0
    assert sendrate.acquire(rt, sms, {"body": "short"}).wait > 0


def test_campaign_bookings_follow_one_another(limiter: SimpleNamespace) -> None:
    rt = limiter.with_rates("whatsapp=80")
    first = sendrate.plan(rt, "whatsapp", 100)
    second = sendrate.plan(rt, "whatsapp", 10)
    assert first is not None and second is not None
    start, interval, _ = first
    assert interval == pytest.approx(1 / (80 * sendrate.PLAN_SHARE))
    assert second[0] == pytest.approx(start + 100 * interval, abs=0.002)


def test_the_simulator_and_unlimited_channels_take_no_slot(limiter: SimpleNamespace) -> None:
    rt = limiter.with_rates("whatsapp=off")
    assert sendrate.limits_for(rt.settings, Address.parse("web:whatsapp:+5511987654321")) == []
    assert sendrate.acquire(rt, Address("whatsapp", "+5511987654321"), {"body": "x"}).taken == ()
    assert sendrate.plan(rt, "whatsapp", 5) is None


def test_bad_rates_are_refused_at_start_naming_the_setting() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SOUK_SEND_RATES": "sms=0,fax=3"})
    assert "sms must be a positive number" in str(caught.value)
    assert "'fax=3' is not one of" in str(caught.value)
