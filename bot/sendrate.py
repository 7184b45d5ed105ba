"""Outbound rate limits per channel and sender, shared by every worker through Redis.

Providers throttle what one sender may send: Telegram about 30 messages a second per
bot and 1 a second per chat; Twilio 80 a second per WhatsApp sender and 1 segment a
second per SMS long code, unless the account was granted more (`SOUK_SEND_RATES`).

    slot = acquire(rt, address, part)    take what sending `part` costs, or learn the wait
    ... send ...
    settle(rt, slot)                     the provider answered: the slot counts from now

Each limit is a sliding-window log in Redis: a sorted set of send times per key
(`souk:rate:telegram:<bot>`, `souk:rate:telegram:<bot>:chat:<id>`,
`souk:rate:whatsapp:<sender>`). One Lua script checks every key a part needs and
records it in all of them, or in none, so two workers never both take the last
slot. Times come from the Redis server, the one clock every worker shares. A message
refused is told when to try again one slot after the previous one refused, so a
crowd of waiters comes back spread at the limit's pace rather than all at once.

Why settle: a provider counts a message when it arrives, and arrival lags our check
by a varying few milliseconds. Re-stamping the slot with the time the provider
answered keeps it in the window until `window` after the message surely arrived, so
the provider never sees more than the limit in any window of its own, however the
network jitters, while sends still overlap in flight.

A part that costs more than a whole window allows (a 3-segment SMS on a 1-a-second
long code) goes when the window is empty and takes all of it; Twilio's own queue
spaces its segments.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.base import Address
from channels.gsm import segments

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.runtime import Runtime

# What each channel allows per sender unless SOUK_SEND_RATES says otherwise (messages
# a second; SMS in segments a second). None: no limit.
DEFAULT_RATES: Mapping[str, float | None] = {
    "whatsapp": 80.0,
    "sms": 1.0,
    "telegram": 30.0,
    "telegram_chat": 1.0,
}
PREFIX = "souk:rate:"
# Campaigns are planned a little below the limit, so that replies to shoppers sharing
# the sender still find room and planned sends rarely meet a full window.
PLAN_SHARE = 0.95

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i * 3 - 1])
  local window = tonumber(ARGV[i * 3])
  local cost = tonumber(ARGV[i * 3 + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local used = redis.call('ZCARD', key)
  if used + cost > limit then
    local oldest = redis.call('ZRANGE', key, used + cost - limit - 1,
                              used + cost - limit - 1, 'WITHSCORES')
    -- Waiters are spread one slot apart over the window after the first free slot,
    -- rather than all told the same instant, when all but one would fail again.
    -- Past that window the spread starts over: a hint, never a reservation that
    -- could run ahead of what the sender really frees.
    local free = tonumber(oldest[2]) + window
    local at = tonumber(redis.call('GET', key .. ':next') or '0')
    if at < free or at >= free + window then at = free end
    redis.call('SET', key .. ':next', tostring(at + window / limit), 'PX',
               math.ceil(at - now + window))
    if at - now > wait then wait = at - now end
  end
end
if wait > 0 then return math.ceil(wait) end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[i * 3])
  for j = 1, tonumber(ARGV[i * 3 + 1]) do
    redis.call('ZADD', key, now, ARGV[1] .. ':' .. j)
  end
  redis.call('PEXPIRE', key, window + 60000)
end
return 0
"""

_SETTLE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  for j = 1, tonumber(ARGV[i + 1]) do
    redis.call('ZADD', key, 'XX', now, ARGV[1] .. ':' .. j)
  end
end
return now
"""

_PLAN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
if start < now then start = now end
local span = tonumber(ARGV[1]) * tonumber(ARGV[2])
redis.call('SET', KEYS[1], tostring(start + span), 'PX', math.ceil(span) + 60000)
return {tostring(start), tostring(now)}
"""


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` units in any `window` seconds on one key."""

    key: str
    count: int
    window: float

    @classmethod
    def per_second(cls, key: str, rate: float) -> Limit:
        """A rate in units a second as a window: 80/s → 80 per 1 s, 0.5/s → 1 per 2 s."""
        count = max(1, math.floor(rate))
        return cls(key, count, count / rate)


@dataclass(frozen=True, slots=True)
class Slot:
    """What acquire() took (`wait` 0) or how long to wait before trying again."""

    wait: float = 0.0
    token: str = ""
    taken: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (key, cost)


def parse_rates(raw: str) -> tuple[dict[str, float | None], list[str]]:
    """Read `SOUK_SEND_RATES` ("sms=10,telegram_chat=off"): the rates and any problems."""
    rates: dict[str, float | None] = dict(DEFAULT_RATES)
    problems: list[str] = []
    for item in filter(None, (p.strip() for p in raw.split(","))):
        name, sep, value = (x.strip() for x in item.partition("="))
        if not sep or name not in DEFAULT_RATES:
            problems.append(f"SOUK_SEND_RATES: {item!r} is not one of "
                            f"{', '.join(DEFAULT_RATES)}=<per second or off>")
            continue
        if value.lower() == "off":
            rates[name] = None
            continue
        try:
            rate = float(value)
        except ValueError:
            rate = -1.0
        if not (math.isfinite(rate) and rate > 0):
            problems.append(f"SOUK_SEND_RATES: {name} must be a positive number or off, "
                            f"got {value!r}")
            continue
        rates[name] = rate
    return rates, problems


def sender_of(settings: Settings, channel: str) -> str | None:
    """Whom the provider throttles: the Twilio number or service, the Telegram bot."""
    if channel in ("whatsapp", "sms"):
        own = settings.twilio_whatsapp_from if channel == "whatsapp" else settings.twilio_sms_from
        return settings.twilio_messaging_service_sid or own
    if channel == "telegram" and settings.telegram_bot_token:
        # The bot id before the colon is public (it is in every bot link); the rest is secret.
        return settings.telegram_bot_token.value.partition(":")[0]
    return None


def cost_of(channel: str, part: Mapping[str, Any]) -> int:
    """Units a part uses: SMS segments by SMS, one message anywhere else."""
    if channel == "sms":
        return max(1, segments(str(part.get("body") or "")))
    return 1


def limits_for(settings: Settings, address: Address) -> list[Limit]:
    """The limits a message to `address` counts against; none for the simulator."""
    channel = address.channel
    sender = sender_of(settings, channel)
    rates = settings.send_rates
    limits: list[Limit] = []
    if sender is None:
        return limits
    rate = rates.get(channel)
    if rate is not None:
        limits.append(Limit.per_second(f"{PREFIX}{channel}:{sender}", rate))
    chat_rate = rates.get("telegram_chat") if channel == "telegram" else None
    if chat_rate is not None:
        limits.append(Limit.per_second(f"{PREFIX}telegram:{sender}:chat:{address.id}", chat_rate))
    return limits


def acquire(rt: Runtime, address: Address, part: Mapping[str, Any]) -> Slot:
    """Take the slots sending `part` to `address` needs now, or say how long to wait."""
    limits = limits_for(rt.settings, address)
    if not limits:
        return Slot()
    cost = cost_of(address.channel, part)
    token = uuid.uuid4().hex
    args: list[Any] = [token]
    taken = []
    for limit in limits:
        units = min(cost, limit.count)
        args += [limit.count, max(1, round(limit.window * 1000)), units]
        taken.append((limit.key, units))
    wait_ms = int(rt.redis.eval(_ACQUIRE, len(limits), *[lim.key for lim in limits], *args))
    if wait_ms > 0:
        return Slot(wait=wait_ms / 1000.0)
    return Slot(token=token, taken=tuple(taken))


def settle(rt: Runtime, slot: Slot) -> None:
    """Re-stamp a taken slot with the time the provider answered (see the module docstring)."""
    if not slot.taken:
        return
    keys = [key for key, _ in slot.taken]
    rt.redis.eval(_SETTLE, len(keys), *keys, slot.token, *[cost for _, cost in slot.taken])


def plan(rt: Runtime, channel: str, count: int) -> tuple[float, float, float] | None:
    """Book `count` sends on `channel`'s sender for a campaign: (start, interval, now).

    Times are Redis server seconds. Bookings made by different campaigns follow one
    another instead of overlapping. None when the channel's sender has no limit.
    """
    sender = sender_of(rt.settings, channel)
    rate = rt.settings.send_rates.get(channel) if sender else None
    if rate is None or count <= 0:
        return None
    interval_ms = 1000.0 / (rate * PLAN_SHARE)
    start, now = rt.redis.eval(_PLAN, 1, f"{PREFIX}plan:{channel}:{sender}", count, interval_ms)
    return float(start) / 1000.0, interval_ms / 1000.0, float(now) / 1000.0


def clear(rt: Runtime, keys: Sequence[str] = ()) -> None:
    """Forget recorded sends (for tests and benchmarks starting from an idle sender)."""
    for key in keys or rt.redis.scan_iter(f"{PREFIX}*"):
        rt.redis.delete(key)
