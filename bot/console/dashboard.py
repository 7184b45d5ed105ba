"""The merchant's dashboard: conversations, takeovers, agents' first response, payment
links sent and paid, CSAT, over the last days, with charts drawn as inline SVG.

Days are the shop's (its time zone). Figures:
- conversations: distinct conversations in which the shopper wrote, per day;
- takeovers: conversations a person took (requests for one, taken or not, beside);
- first response: the median time from a request for a person to an agent's first
  reply, over the takeovers that got one;
- payment links: payment attempts created, and those whose order got paid;
- CSAT: the share of ratings of 4 or 5 among all ratings (1-5) after a resolve.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.app import current_runtime
from bot.console import bp
from bot.console.auth import admin_required
from bot.models import Direction, Handoff, Message, Order, Payment, utcnow

PERIODS = (7, 30, 90)
SATISFIED = 4  # CSAT counts ratings of 4 and 5


@dataclass(frozen=True, slots=True)
class Series:
    """One chart: a label and a value per day."""

    title: str
    days: list[date]
    values: list[int]
    second: list[int] | None = None  # a second series beside the first (paid beside sent)

    def bars(self, width: int = 640, height: int = 160) -> dict[str, Any]:
        """Bar geometry for the SVG template: x, y, w, h per bar, scaled to the maximum."""
        peak = max([*self.values, *(self.second or []), 0])
        top = max(peak, 1)
        slot = width / max(len(self.days), 1)
        w = slot * (0.4 if self.second is not None else 0.75)
        bars = []
        for i, (day, value) in enumerate(zip(self.days, self.values, strict=True)):
            for j, v in enumerate((value,) if self.second is None else (value, self.second[i])):
                h = round(v / top * (height - 20), 1)
                bars.append({"x": round(i * slot + j * w + slot * 0.1, 1), "y": height - h,
                             "w": round(w, 1), "h": h, "value": v, "day": day, "series": j})
        return {"width": width, "height": height, "peak": peak, "bars": bars}


@dataclass(frozen=True, slots=True)
class Figures:
    """The dashboard's numbers for one period."""

    days: int
    conversations: int
    requests: int
    takeovers: int
    first_response: timedelta | None
    links_sent: int
    links_paid: int
    csat: float | None  # 0-100
    ratings: int
    charts: list[Series]


def _local_day(s: Session, column: Any, tz: ZoneInfo, now: datetime) -> Any:
    """SQL for the shop-local date of a UTC timestamp column."""
    if s.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(str(tz), column))
    # SQLite stores naive UTC text and knows no time zones: shift by today's offset.
    offset = now.astimezone(tz).utcoffset() or timedelta()
    return func.date(column, f"{int(offset.total_seconds())} seconds")


def figures(s: Session, tz: ZoneInfo, days: int, now: datetime | None = None) -> Figures:
    """Compute the dashboard for the `days` days up to today (shop time)."""
    now = now or utcnow()
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    calendar = [first + timedelta(days=i) for i in range(days)]

    def local(moment: datetime) -> date:
        return moment.astimezone(tz).date()

    day = _local_day(s, Message.created_at, tz, now)
    # PostgreSQL answers dates, SQLite ISO strings.
    per_day: dict[date | str, int] = dict(s.execute(
        select(day, func.count(func.distinct(Message.conversation_id)))
        .where(Message.direction == Direction.IN.value, Message.created_at >= start)
        .group_by(day)).all())
    conversations = s.scalar(select(func.count(func.distinct(Message.conversation_id))).where(
        Message.direction == Direction.IN.value, Message.created_at >= start)) or 0

    handoffs = s.scalars(select(Handoff).where(Handoff.requested_at >= start)).all()
    taken = [h for h in handoffs if h.taken_at is not None]
    waits = [(h.first_response_at - h.requested_at).total_seconds() for h in handoffs
             if h.first_response_at is not None]
    rated = [h.rating for h in s.scalars(select(Handoff).where(
        Handoff.rated_at >= start, Handoff.rating.is_not(None)))]

    payments = s.execute(select(Payment.created_at, Order.paid_at).join(Order)
                         .where(Payment.created_at >= start)).all()
    sent = Counter(local(created) for created, _ in payments)
    paid = Counter(local(created) for created, paid_at in payments if paid_at is not None)
    taken_days = Counter(local(h.taken_at) for h in taken if h.taken_at)

    return Figures(
        days=days,
        conversations=conversations,
        requests=len(handoffs),
        takeovers=len(taken),
        first_response=timedelta(seconds=statistics.median(waits)) if waits else None,
        links_sent=len(payments),
        links_paid=sum(paid.values()),
        csat=100 * sum(r >= SATISFIED for r in rated if r) / len(rated) if rated else None,
        ratings=len(rated),
        charts=[
            Series("Conversations", calendar,
                   [per_day.get(d, per_day.get(d.isoformat(), 0)) for d in calendar]),
            Series("Takeovers", calendar, [taken_days[d] for d in calendar]),
            Series("Payment links sent and paid", calendar, [sent[d] for d in calendar],
                   [paid[d] for d in calendar]),
        ],
    )


@bp.get("/admin/dashboard")
@admin_required
def dashboard() -> str:
    """The dashboard page, for admins."""
    raw = request.args.get("days", "7")
    if not raw.isdigit() or int(raw) not in PERIODS:
        abort(400, f"days must be one of {', '.join(map(str, PERIODS))}.")
    rt = current_runtime()
    with rt.db.session() as s:
        data = figures(s, ZoneInfo(rt.shop.timezone), int(raw))
    return render_template("console/dashboard.html", f=data, periods=PERIODS)
