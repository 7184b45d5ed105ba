"""The shared rate limiter, on the real Redis and on the embedded stand-in."""

from __future__ import annotations

import time

import fakeredis
import pytest
import redis

from bot.ratelimit import allow, reset


@pytest.fixture(params=["redis", "embedded"])
def conn(request: pytest.FixtureRequest, redis_url: str) -> redis.Redis:
    if request.param == "embedded":
        return fakeredis.FakeRedis()
    return redis.Redis.from_url(redis_url)


def test_a_burst_of_the_limit_passes_then_the_next_waits(conn: redis.Redis) -> None:
    results = [allow(conn, "k", 5, 10) for _ in range(7)]
    assert [ok for ok, _ in results] == [True] * 5 + [False] * 2
    waits = [wait for ok, wait in results if not ok]
    assert all(1.5 < wait <= 2.0 for wait in waits)  # one event every 10/5 = 2 s


def test_a_refused_event_does_not_push_the_next_one_back(conn: redis.Redis) -> None:
    for _ in range(3):
        allow(conn, "k", 3, 0.3)
    _, first = allow(conn, "k", 3, 0.3)
    _, second = allow(conn, "k", 3, 0.3)
    assert second <= first
    time.sleep(first + 0.02)
    assert allow(conn, "k", 3, 0.3)[0]


def test_keys_are_independent_and_can_be_reset(conn: redis.Redis) -> None:
    assert allow(conn, "a", 1, 60)[0] and not allow(conn, "a", 1, 60)[0]
    assert allow(conn, "b", 1, 60)[0]
    reset(conn, "a")
    assert allow(conn, "a", 1, 60)[0]


def test_keys_expire_once_the_bucket_is_empty(conn: redis.Redis) -> None:
    allow(conn, "k", 10, 60)
    assert 0 < conn.pttl("k") <= 6000  # one event's worth: 60/10 s


def test_two_clients_share_one_count(redis_url: str) -> None:
    one, two = redis.Redis.from_url(redis_url), redis.Redis.from_url(redis_url)
    assert allow(one, "k", 2, 60)[0] and allow(two, "k", 2, 60)[0]
    assert not allow(one, "k", 2, 60)[0] and not allow(two, "k", 2, 60)[0]


def test_a_restarted_redis_that_forgot_the_script_still_answers(conn: redis.Redis) -> None:
    allow(conn, "k", 5, 60)
    conn.script_flush()
    assert allow(conn, "k", 5, 60)[0]


@pytest.mark.parametrize(("limit", "per"), [(0, 60), (5, 0), (-1, 1)])
def test_a_nonsense_limit_is_a_programming_error(conn: redis.Redis, limit: int,
                                                 per: float) -> None:
    with pytest.raises(ValueError):
        allow(conn, "k", limit, per)
