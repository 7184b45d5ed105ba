"""Quiet hours are read on the shopper's clock and end in their morning."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.config import DEFAULT_SHOP
from bot.quiet import quiet_until, shopper_zones
from bot.shop import load_shop

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NIGHT, MORNING = time(21), time(8)


def test_late_evening_waits_until_the_next_morning_in_the_shoppers_zone() -> None:
    now = datetime(2026, 10, 5, 1, 30, tzinfo=UTC)  # 22:30 in São Paulo
    until = quiet_until(now, [SAO_PAULO], NIGHT, MORNING)
    assert until == datetime(2026, 10, 5, 8, tzinfo=SAO_PAULO)


def test_small_hours_wait_until_the_same_morning() -> None:
    now = datetime(2026, 10, 5, 6, tzinfo=UTC)  # 03:00 in São Paulo
    assert quiet_until(now, [SAO_PAULO], NIGHT, MORNING) == datetime(
        2026, 10, 5, 8, tzinfo=SAO_PAULO)


def test_daytime_is_not_quiet() -> None:
    now = datetime(2026, 10, 5, 15, tzinfo=UTC)  # noon in São Paulo
    assert quiet_until(now, [SAO_PAULO], NIGHT, MORNING) is None
    assert quiet_until(now, [SAO_PAULO], None, None) is None


def test_a_number_spanning_zones_is_quiet_while_any_of_them_sleeps() -> None:
    shop = load_shop(DEFAULT_SHOP)
    zones = shopper_zones(shop, None, "+34612345678")  # Madrid and the Canaries
    assert {z.key for z in zones} == {"Europe/Madrid", "Atlantic/Canary"}
    now = datetime(2026, 10, 5, 6, 30, tzinfo=UTC)  # 08:30 Madrid, 07:30 Canaries
    assert quiet_until(now, zones, NIGHT, MORNING) == datetime(
        2026, 10, 5, 8, tzinfo=ZoneInfo("Atlantic/Canary"))


def test_the_merchants_time_zone_wins_then_the_phone_then_the_shop() -> None:
    shop = load_shop(DEFAULT_SHOP)
    assert [z.key for z in shopper_zones(shop, "Asia/Tokyo", "+5511987654321")] == ["Asia/Tokyo"]
    assert [z.key for z in shopper_zones(shop, None, "+5511987654321")] == ["America/Sao_Paulo"]
    assert [z.key for z in shopper_zones(shop, "Not/AZone", None)] == [shop.timezone]
