"""Rate limits shared through Redis, so every web and worker process sees the same counts.

The algorithm is GCRA (the generic cell rate algorithm, a leaky bucket kept as one
timestamp per key): `limit` events fit in any window of `per_seconds`, a burst of
`limit` is allowed from rest, and after that one event every `per_seconds / limit`.
Unlike a fixed window it never lets twice the limit through across a window edge.
A refused event costs nothing: it does not push the next allowed time further.

    allowed, retry_after = allow(redis, "souk:rl:apikey:3", 600, 60)

One Lua script per call: one round trip, atomic across processes, and the clock is
the Redis server's (`TIME`), so processes on machines with skewed clocks agree.
"""

from __future__ import annotations

import hashlib

import redis
from redis.exceptions import NoScriptError

__all__ = ["allow", "reset"]

# KEYS[1] the key; ARGV[1] the emission interval and ARGV[2] the burst tolerance, in
# microseconds. Returns {1, 0} when allowed, {0, microseconds to wait} when refused.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allow_at = tat + interval - tolerance
if now < allow_at then
  return {0, allow_at - now}
end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX',
           math.max(1, math.ceil((new_tat - now) / 1000)))
return {1, 0}
"""

_SHA = hashlib.sha1(_GCRA.encode()).hexdigest()


def allow(conn: redis.Redis, key: str, limit: int, per_seconds: float) -> tuple[bool, float]:
    """Count one event against `limit` per `per_seconds` for `key`.

    Returns (True, 0.0) when the event is allowed, else (False, seconds until it
    would be). Keys expire on their own once the bucket is empty again.
    """
    if limit <= 0 or per_seconds <= 0:
        raise ValueError("a rate limit needs a positive limit and period")
    interval = int(per_seconds * 1_000_000 / limit)
    args = (interval, interval * limit)
    try:
        allowed, wait = conn.evalsha(_SHA, 1, key, *args)
    except NoScriptError:  # a restarted Redis forgets scripts: send it once more
        allowed, wait = conn.eval(_GCRA, 1, key, *args)
    return bool(allowed), int(wait) / 1_000_000


def reset(conn: redis.Redis, key: str) -> None:
    """Forget a key's count (an erased shopper, an operator's override)."""
    conn.delete(key)
