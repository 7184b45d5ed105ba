"""Quiet hours in the shopper's time zone: when a message they did not ask for may wait.

The shop file's `[quiet_hours]` (e.g. 21:00 to 08:00) is read on the shopper's clock:
their own time zone when the merchant gave it (Customer.timezone), else the zones of
their phone number's region (phonenumbers' time zone data), else the shop's. A number
whose region spans several zones (Spain: Madrid and the Canaries) is quiet while it
is quiet in any of them: we do not know which one wakes up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones

from bot.shop import Shop


@lru_cache(maxsize=4096)
def zones_of_phone(e164: str) -> tuple[str, ...]:
    """The time zones of a phone number's region; () when unknown."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in phone_zones.time_zones_for_number(number) if z != "Etc/Unknown")


def valid_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def shopper_zones(shop: Shop, timezone: str | None, phone: str | None) -> tuple[ZoneInfo, ...]:
    """The zones whose clock the shopper lives by, best known first."""
    if timezone and valid_zone(timezone):
        return (ZoneInfo(timezone),)
    names = zones_of_phone(phone) if phone else ()
    return tuple(ZoneInfo(n) for n in names if valid_zone(n)) or (ZoneInfo(shop.timezone),)


def quiet_end(now: datetime, zone: ZoneInfo, start: time, end: time) -> datetime | None:
    """When quiet hours that hold at `now` end (UTC), or None if it is not quiet there now."""
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    overnight = start > end  # 21:00-08:00 spans midnight; 13:00-15:00 does not
    quiet = (clock >= start or clock < end) if overnight else start <= clock < end
    if not quiet:
        return None
    day = local.date() + timedelta(days=1) if overnight and clock >= start else local.date()
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def quiet_until(now: datetime, zones: Iterable[ZoneInfo], start: time | None,
                end: time | None) -> datetime | None:
    """The latest end of quiet hours holding now in any of `zones`; None if none holds."""
    if start is None or end is None or start == end:
        return None
    ends = [e for zone in zones if (e := quiet_end(now, zone, start, end)) is not None]
    return max(ends) if ends else None
