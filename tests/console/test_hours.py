"""The shop's hours and the wait a shopper is told."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.console import hours, live
from bot.models import Conversation, Customer, Handoff
from bot.runtime import Runtime
from bot.shop import load_shop
from tests.console.conftest import make_account
from tests.console.shops import shop_file

DEMO = load_shop(Path(__file__).resolve().parents[2] / "bot" / "demo" / "shop.toml")
# The demo shop: New York, Monday to Friday, 09:00-18:00.
FRIDAY_NOON = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # 12:00 in New York
FRIDAY_NIGHT = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # 18:30 in New York
MONDAY_DAWN = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 07:00 in New York


def test_open_within_the_hours_of_an_open_day_only() -> None:
    assert hours.is_open(DEMO, FRIDAY_NOON)
    assert not hours.is_open(DEMO, FRIDAY_NIGHT)
    assert not hours.is_open(DEMO, datetime(2026, 11, 28, 17, 0, tzinfo=UTC))  # Saturday
    assert not hours.is_open(DEMO, MONDAY_DAWN)


def test_next_opening_skips_closed_days_in_the_shops_zone() -> None:
    expected = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
    assert hours.next_opening(DEMO, FRIDAY_NIGHT) == expected
    assert hours.next_opening(DEMO, MONDAY_DAWN) == expected
    assert hours.next_opening(replace(DEMO, open_days=()), FRIDAY_NIGHT) is None


@pytest.mark.parametrize(("locale", "day", "zone"), [
    ("en", "Monday 9:00", "New York"),
    ("es", "lunes 9:00", "Nueva York"),
    ("pt_BR", "segunda-feira 09:00", "Nova York"),
])
def test_the_opening_is_told_in_the_shoppers_language(locale: str, day: str, zone: str) -> None:
    opening = hours.next_opening(DEMO, FRIDAY_NIGHT)
    assert opening is not None
    told = hours.describe_opening(DEMO, opening, locale)
    assert told["opens_at"].startswith(day)
    assert zone in told["zone"]


@pytest.mark.parametrize(("minutes", "told"), [(0.2, 2), (2, 2), (3, 5), (11, 15), (500, 120)])
def test_waits_are_told_in_round_figures(minutes: float, told: int) -> None:
    assert hours.round_up(minutes) == told


def test_the_wait_grows_with_the_queue_and_shrinks_with_agents(
        rt: Runtime, password_hash: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    rt.shop = load_shop(shop_file(tmp_path, local_hour=12))
    with rt.db.session() as s:
        assert hours.agent_facts(s, rt, "en", now) == {"agents_open": True, "agents_online": 0}
    first = make_account(rt, password_hash, "a@shop.example")
    live.touch(rt, first.id)
    with rt.db.session() as s:
        customer = Customer()
        s.add(customer)
        s.flush()
        for n in range(4):
            conv = Conversation(customer_id=customer.id, address=f"sms:+1415555010{n}",
                                channel="sms", status="waiting", waiting_since=now)
            s.add(conv)
            s.flush()
            # Recent shoppers waited 8 minutes for a first answer.
            s.add(Handoff(conversation_id=conv.id, reason="asked", requested_at=now,
                          first_response_at=now + timedelta(minutes=8)))
    with rt.db.session() as s:
        one_agent = hours.agent_facts(s, rt, "en", now)
    live.touch(rt, make_account(rt, password_hash, "b@shop.example").id)
    with rt.db.session() as s:
        two_agents = hours.agent_facts(s, rt, "en", now)
    # 4 ahead, 8 minutes a round: one agent 5 rounds (40 min), two agents 3 rounds (24 min).
    assert one_agent["agent_eta_minutes"] == 45
    assert two_agents["agent_eta_minutes"] == 30


def test_outside_the_hours_the_facts_say_when_it_opens(rt: Runtime, tmp_path: Path) -> None:
    rt.shop = load_shop(shop_file(tmp_path, local_hour=3, open_at="09:00", close_at="18:00"))
    with rt.db.session() as s:
        facts = hours.agent_facts(s, rt, "es", datetime.now(UTC))
    assert facts["agents_open"] is False
    assert facts["opens_at"].endswith("9:00")
    assert facts["zone"]
