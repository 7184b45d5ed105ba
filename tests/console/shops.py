"""Shop files whose hours put "now" where a test needs it, whenever the test runs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import DEFAULT_SHOP


def zone_at(local_hour: int, now: datetime | None = None) -> str:
    """A fixed-offset time zone (Etc/GMT±N) in which it is now about `local_hour` o'clock."""
    now = now or datetime.now(UTC)
    offset = (local_hour - now.hour + 12) % 24 - 12  # -12..+11 hours from UTC
    # Etc/GMT names count the other way round: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/GMT" + (f"-{offset}" if offset > 0 else f"+{-offset}" if offset < 0 else "")


def shop_file(folder: Path, local_hour: int, open_at: str = "06:00", close_at: str = "18:00",
              days: str = '["mon", "tue", "wed", "thu", "fri", "sat", "sun"]') -> Path:
    """The demo shop with its clock set to `local_hour` now and the given hours."""
    text = DEFAULT_SHOP.read_text(encoding="utf-8")
    text = text.replace('timezone = "America/New_York"', f'timezone = "{zone_at(local_hour)}"')
    start = text.index("[hours]")
    end = text.index("\n\n", start)
    hours = f'[hours]\ndays = {days}\nopen = "{open_at}"\nclose = "{close_at}"'
    path = folder / "shop.toml"
    path.write_text(text[:start] + hours + text[end:], encoding="utf-8")
    return path
