"""Template filters for the console: times in the shop's time zone, waits in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import current_runtime
from bot.console import bp
from bot.models import utcnow


@bp.app_template_filter("when")
def when(moment: datetime | None) -> str:
    """A time in the shop's time zone: "14:05" today, "Mon 25 Nov 14:05" before."""
    if moment is None:
        return ""
    tz = ZoneInfo(current_runtime().shop.timezone)
    local, today = moment.astimezone(tz), utcnow().astimezone(tz).date()
    return local.strftime("%H:%M" if local.date() == today else "%a %d %b %H:%M")


@bp.app_template_filter("waited")
def waited(since: datetime | timedelta | None) -> str:
    """How long ago, or how long: "40 s", "5 min", "2 h 10 min", "3 d"."""
    if since is None:
        return ""
    span = since if isinstance(since, timedelta) else utcnow() - since
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{seconds // 86400} d"
