"""Retention: texts older than the shop's retention_days are emptied once a day."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.config import DEFAULT_SHOP
from bot.errors import ConfigError
from bot.models import Direction, Message, utcnow
from bot.runtime import DEFAULT
from bot.shop import load_shop
from tests.support import run_jobs
from tests.trust.shoppers import Shopper
from workers import retention


def age(rt, days: int) -> None:  # type: ignore[no-untyped-def]
    """Make every message so many days old."""
    with rt.db.session() as s:
        s.execute(update(Message).values(created_at=utcnow() - timedelta(days=days)))


def test_old_texts_are_emptied_and_recent_ones_kept(rt, client, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    sh = Shopper(rt, client, "whatsapp", fake_twilio, fake_telegram)
    sh.write("my old question about a tent")
    run_jobs(rt)
    age(rt, 400)
    sh.write("a new question")
    run_jobs(rt)
    # Queued long ago for a send still to come: its text must survive.
    waiting = sh.push("A campaign for next month", topic="marketing", send=False)
    with rt.db.session() as s:
        s.execute(update(Message).where(Message.id == waiting)
                  .values(created_at=utcnow() - timedelta(days=400)))
    assert retention.purge_expired_messages() == 2  # the old question and its answer
    with rt.db.session() as s:
        rows = {m.id: m for m in s.scalars(select(Message))}
    old_in = next(m for m in rows.values() if m.direction == Direction.IN.value
                  and m.processed_at and m.body is None)
    assert old_in.meta is None and old_in.status == "processed"
    kept = [m.body for m in sorted(rows.values(), key=lambda m: m.id) if m.body]
    assert kept[0] == "a new question" and kept[-1] == "A campaign for next month"
    assert len(kept) == 3  # the new question, its answer, the campaign
    assert rows[waiting].content is not None  # still to be sent: kept whole
    assert retention.purge_expired_messages() == 0  # nothing left to do


def test_the_shops_retention_period_is_honoured(rt, client, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    rt.shop = dataclasses.replace(rt.shop, retention_days=30)
    sh = Shopper(rt, client, "sms", fake_twilio, fake_telegram)
    sh.write("hello")
    run_jobs(rt)
    age(rt, 29)
    assert retention.purge_expired_messages() == 0
    age(rt, 31)
    assert retention.purge_expired_messages() == 2


def test_the_purge_is_queued_once_a_day(rt):  # type: ignore[no-untyped-def]
    assert retention.schedule(rt) is True
    assert retention.schedule(rt) is False
    [job] = rt.queue(DEFAULT).get_jobs()
    assert job.func_name == "workers.retention.purge_expired_messages"
    assert 0 < rt.redis.ttl(retention.SCHEDULE_KEY) <= retention.DAY


@pytest.mark.parametrize("value", ["0", "-3", "\"a year\"", "true", "1.5"])
def test_a_bad_retention_period_stops_start_up(tmp_path: Path, value: str) -> None:
    text = DEFAULT_SHOP.read_text(encoding="utf-8").replace("retention_days = 365",
                                                            f"retention_days = {value}")
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="retention_days"):
        load_shop(path)


def test_the_demo_shop_keeps_a_year() -> None:
    assert load_shop(DEFAULT_SHOP).retention_days == 365
