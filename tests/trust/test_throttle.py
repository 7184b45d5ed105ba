"""A shopper flooding the shop is slowed down, not dropped and not crashing anything."""

from __future__ import annotations

import dataclasses
import time

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from bot import consent, i18n
from bot.config import Settings
from bot.models import Direction, Message
from bot.runtime import INBOUND, QUEUES, Runtime, install
from tests.support import BurstWorker, run_jobs
from tests.trust.shoppers import Shopper
from workers import throttle

# The notice, in whichever language the conversation settled on.
NOTICES = {i18n.gettext(locale, throttle.SLOW_DOWN) for locale in i18n.SUPPORTED}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def counts(rt: Runtime) -> tuple[int, int]:
    """(inbound messages stored, inbound messages processed)."""
    with rt.db.session() as s:
        inbound = Message.direction == Direction.IN.value
        stored = s.scalar(select(func.count()).select_from(Message).where(inbound))
        done = s.scalar(select(func.count()).select_from(Message).where(
            inbound, Message.processed_at.is_not(None)))
    return int(stored or 0), int(done or 0)


def one_pass(rt: Runtime) -> None:
    """What the workers do now, without waiting for scheduled jobs."""
    BurstWorker([rt.queue(q) for q in QUEUES], connection=rt.redis).work(
        burst=True, logging_level="WARNING")


def test_a_hundred_messages_in_a_minute_are_stored_and_slowed(rt, client, fake_twilio,  # type: ignore[no-untyped-def]
                                                              fake_telegram):
    sh = Shopper(rt, client, "whatsapp", fake_twilio, fake_telegram)
    started = time.monotonic()
    for n in range(100):
        sh.write(f"message number {n}")  # every webhook answers 200: stored
    one_pass(rt)
    elapsed = time.monotonic() - started
    stored, processed = counts(rt)
    # The default limit, 30 a minute: a burst of 30, then one every 2 seconds.
    assert stored == 100 and 30 <= processed <= 30 + int(elapsed / 2) + 1
    replies = sh.received()
    assert len([r for r in replies if r in NOTICES]) == 1
    assert len(replies) == processed + 1  # an answer each, and one notice
    # The rest wait for a wake-up job (one per retry interval at most), not in 70 jobs.
    wake_ups = ScheduledJobRegistry(queue=rt.queue(INBOUND)).count
    assert 1 <= wake_ups <= 2 + int(elapsed / 2)


def test_deferred_messages_are_all_answered_in_order(settings, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    fast = dataclasses.replace(settings, shopper_rate_limit=(5, 1.0))
    rt = Runtime.from_settings(fast)
    install(rt)
    try:
        from bot.app import create_app

        client = create_app(rt=rt).test_client()
        sh = Shopper(rt, client, "telegram", fake_twilio, fake_telegram)
        for n in range(12):
            sh.write(f"question {n}")
        run_jobs(rt, timeout=20)
        assert counts(rt) == (12, 12)
        notices = [r for r in sh.received() if r in NOTICES]
        assert len(notices) == 1 and len(sh.received()) == 13
        with rt.db.session() as s:
            order = list(s.scalars(select(Message.id).where(
                Message.direction == Direction.IN.value).order_by(Message.processed_at)))
        assert order == sorted(order)  # processed oldest first, never reordered
    finally:
        install(None)
        rt.close()


def test_a_stop_behind_the_flood_is_not_slowed(rt, client, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    sh = Shopper(rt, client, "sms", fake_twilio, fake_telegram)
    for n in range(40):
        sh.write(f"spam {n}")
    sh.write("STOP")
    one_pass(rt)
    assert counts(rt) == (41, 41)
    customer_id = sh.customer_id()
    with rt.db.session() as s:
        stop_at = consent.stopped_since(s, customer_id)
        out = s.scalars(select(Message).where(Message.direction == Direction.OUT.value)).all()
    confirmation = [m for m in out if m.created_at > stop_at]
    assert [m.body for m in confirmation] == [sh.received()[-1]]
    assert sh.received()[-1].startswith("You're unsubscribed")
    # Every other reply went out before the STOP was read, or was dropped: STOP wins.
    for m in out:
        if m not in confirmation:
            assert (m.sent_at is not None and m.sent_at < stop_at) or (
                m.status == "dropped" and m.error_message.startswith("opted out")), m.status


def test_settings_read_rate_limits_and_refuse_nonsense() -> None:
    from bot.config import DEFAULT_SHOP
    from bot.errors import ConfigError

    env = {"SHOP_CONFIG": str(DEFAULT_SHOP), "SOUK_SHOPPER_RATE_LIMIT": "10/5",
           "SOUK_API_RATE_LIMIT": "100"}
    parsed = Settings.from_env(env)
    assert parsed.shopper_rate_limit == (10, 5.0) and parsed.api_rate_limit == (100, 60.0)
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**env, "SOUK_SHOPPER_RATE_LIMIT": "lots", "SOUK_API_RATE_LIMIT": "0"})
    assert len(caught.value.problems) == 2
