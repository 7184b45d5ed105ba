"""The shop file (SHOP_CONFIG, TOML): name, currencies, policies, templates, hours."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError


@dataclass(frozen=True, slots=True)
class ShippingZone:
    fee: Decimal
    days: str


@dataclass(frozen=True, slots=True)
class Shop:
    """The parts of the shop file souk reads, validated."""

    name: str
    base_currency: str = "USD"
    timezone: str = "UTC"
    default_locale: str = "en"
    support_email: str | None = None
    website: str | None = None
    open_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    open_at: time = time(9)
    close_at: time = time(18)
    quiet_start: time | None = None
    quiet_end: time | None = None
    fx: dict[str, Decimal] = field(default_factory=dict)
    currency_by_country: dict[str, str] = field(default_factory=dict)
    payment_methods: dict[str, tuple[str, ...]] = field(default_factory=dict)
    shipping: dict[str, ShippingZone] = field(default_factory=dict)
    free_shipping_over: Decimal | None = None
    policies: dict[str, dict[str, str]] = field(default_factory=dict)
    templates: dict[str, dict[str, str]] = field(default_factory=dict)
    # [checkout]: an unpaid payment link gets one reminder this long after it was sent.
    reminder_after_minutes: int = 60
    # Days message texts are kept; older ones are emptied daily (workers/retention.py).
    retention_days: int = 365
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def policy(self, topic: str, locale: str) -> str | None:
        """The policy text for `topic` in `locale`, falling back to the shop's language."""
        texts = self.policies.get(topic, {})
        return texts.get(locale) or texts.get(locale.split("_")[0]) or texts.get(
            self.default_locale
        )

    def methods_for(self, country: str | None) -> tuple[str, ...]:
        return self.payment_methods.get(country or "", self.payment_methods.get("default", ("card",)))

    def currency_for(self, country: str | None) -> str:
        return self.currency_by_country.get(country or "", self.base_currency)

    def template(self, kind: str, locale: str) -> str | None:
        return self.templates.get(kind, {}).get(locale)


def _time(value: Any, where: str, problems: list[str]) -> time | None:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: not a time of day (HH:MM): {value!r}")
        return None


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{where}: not a number: {value!r}")
        return Decimal(0)
    if not result.is_finite() or result < 0:
        problems.append(f"{where}: not a positive number: {value!r}")
    return result


def _minutes(value: Any, where: str, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        problems.append(f"{where}: not a positive whole number of minutes: {value!r}")
        return 60
    return value


def load_shop(path: Path) -> Shop:
    """Read and validate a shop file; raise ConfigError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError([f"SHOP_CONFIG {path}: {exc}"]) from exc
    problems: list[str] = []
    name = str(data.get("name", "")).strip()
    if not name:
        problems.append("shop file: `name` is required")
    tz = str(data.get("timezone", "UTC"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"shop file: unknown timezone {tz!r}")
    hours = data.get("hours", {})
    quiet = data.get("quiet_hours", {})
    shipping = data.get("shipping", {})
    retention = data.get("retention_days", 365)
    if isinstance(retention, bool) or not isinstance(retention, int) or not (
        1 <= retention <= 36500
    ):
        problems.append(f"retention_days must be 1 to 36500 days, got {retention!r}")
        retention = 365
    zones = {
        str(code).upper(): ShippingZone(
            _decimal(zone.get("fee", 0), f"shipping.{code}.fee", problems), str(zone.get("days", ""))
        )
        for code, zone in shipping.get("countries", {}).items()
    }
    shop = Shop(
        name=name,
        base_currency=str(data.get("base_currency", "USD")).upper(),
        timezone=tz,
        default_locale=str(data.get("default_locale", "en")),
        support_email=data.get("support_email"),
        website=data.get("website"),
        open_days=tuple(hours.get("days", ("mon", "tue", "wed", "thu", "fri"))),
        open_at=_time(hours.get("open", "09:00"), "hours.open", problems) or time(9),
        close_at=_time(hours.get("close", "18:00"), "hours.close", problems) or time(18),
        quiet_start=_time(quiet["start"], "quiet_hours.start", problems) if "start" in quiet else None,
        quiet_end=_time(quiet["end"], "quiet_hours.end", problems) if "end" in quiet else None,
        fx={k.upper(): _decimal(v, f"fx.{k}", problems) for k, v in data.get("fx", {}).items()},
        currency_by_country={
            k.upper(): str(v).upper() for k, v in data.get("currency_by_country", {}).items()
        },
        payment_methods={
            k if k == "default" else k.upper(): tuple(v)
            for k, v in data.get("payment_methods", {}).items()
        },
        shipping=zones,
        free_shipping_over=_decimal(shipping["free_over"], "shipping.free_over", problems)
        if "free_over" in shipping
        else None,
        policies={k: dict(v) for k, v in data.get("policies", {}).items()},
        templates={k: dict(v) for k, v in data.get("templates", {}).items()},
        reminder_after_minutes=_minutes(
            data.get("checkout", {}).get("reminder_after_minutes", 60),
            "checkout.reminder_after_minutes", problems,
        ),
        retention_days=retention,
        raw=data,
    )
    if problems:
        raise ConfigError([f"shop file {path}: {p}" for p in problems])
    return shop
