"""When people answer: the shop's hours, and the wait a shopper is told.

The shop file's [hours] (days, open, close) are in the shop's time zone. Within
them, the wait is estimated from how long recent shoppers waited for a first
answer (the median of the last RECENT takeovers, DEFAULT_WAIT without any), times
the queue ahead shared among the agents online; it is rounded up to a few round
figures because a shopper reads "about 5 minutes", not "4.37". Outside the hours
the shopper is told when the shop opens, in their language and the shop's zone.
"""

from __future__ import annotations

import math
import statistics
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import i18n
from bot.console import live
from bot.models import Agent, Conversation, ConversationStatus, Handoff
from bot.runtime import Runtime
from bot.shop import Shop

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RECENT = 20
DEFAULT_WAIT = 3.0  # minutes, before there is any history
BUCKETS = (2, 5, 10, 15, 20, 30, 45, 60, 90, 120)


def is_open(shop: Shop, now: datetime) -> bool:
    """Whether `now` falls within the shop's hours, in its time zone."""
    local = now.astimezone(ZoneInfo(shop.timezone))
    return DAYS[local.weekday()] in shop.open_days and shop.open_at <= local.time() < shop.close_at


def next_opening(shop: Shop, now: datetime) -> datetime | None:
    """When the shop next opens after `now` (in its time zone); None if it never does."""
    tz = ZoneInfo(shop.timezone)
    local = now.astimezone(tz)
    for offset in range(8):
        day: date = local.date() + timedelta(days=offset)
        start = datetime.combine(day, shop.open_at, tzinfo=tz)
        if DAYS[day.weekday()] in shop.open_days and start > local:
            return start
    return None


def describe_opening(shop: Shop, opening: datetime, locale: str) -> dict[str, str]:
    """`opens_at` ("Monday 9:00 AM") and `zone` ("New York Time") in the shopper's language."""
    tz = ZoneInfo(shop.timezone)
    where = i18n.babel_locale(locale)
    day = format_date(opening, "EEEE", locale=where)
    return {
        "opens_at": f"{day} {format_time(opening, 'short', tzinfo=tz, locale=where)}",
        "zone": get_timezone_location(tz, locale=where),
    }


def round_up(minutes: float) -> int:
    """The first round figure at or above `minutes` (the last one caps it)."""
    return next((b for b in BUCKETS if b >= minutes), BUCKETS[-1])


def typical_wait(s: Session, now: datetime) -> float:
    """Minutes recent shoppers waited for a person's first answer (the median)."""
    rows = s.execute(
        select(Handoff.requested_at, Handoff.first_response_at)
        .where(Handoff.first_response_at.is_not(None),
               Handoff.requested_at > now - timedelta(days=7))
        .order_by(Handoff.id.desc())
        .limit(RECENT)
    ).all()
    waits = [(answered - asked).total_seconds() / 60 for asked, answered in rows
             if answered is not None]
    return statistics.median(waits) if waits else DEFAULT_WAIT


def available_online(s: Session, rt: Runtime) -> list[int]:
    """Ids of the agents online in the console who take new conversations."""
    ids = live.online(rt)
    if not ids:
        return []
    return list(s.scalars(select(Agent.id).where(
        Agent.id.in_(ids), Agent.active.is_(True), Agent.available.is_(True))))


def agent_facts(s: Session, rt: Runtime, locale: str, now: datetime) -> dict[str, Any]:
    """What a flow tells a shopper who asks for a person: open or not, and how long."""
    shop = rt.shop
    if not is_open(shop, now):
        opening = next_opening(shop, now)
        facts: dict[str, Any] = {"agents_open": False}
        if opening is not None:
            facts.update(describe_opening(shop, opening, locale))
        return facts
    agents = len(available_online(s, rt))
    if agents == 0:
        return {"agents_open": True, "agents_online": 0}
    ahead = s.scalar(select(func.count()).select_from(Conversation).where(
        Conversation.status == ConversationStatus.WAITING.value)) or 0
    rounds = 1 + ahead // agents
    return {"agents_open": True, "agents_online": agents,
            "agent_eta_minutes": round_up(math.ceil(typical_wait(s, now) * rounds))}
