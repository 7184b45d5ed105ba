"""Live updates for the console: events on Redis pub/sub, streamed to pages as SSE.

Where something happens (an inbound message stored, a conversation's status
changed, a reply sent) the code calls `publish(rt, kind, conversation_id)`. Every
web process streams what it hears on CHANNEL to the console pages it serves, and
each page fetches the fresh rows it shows. Publishing is best effort: an event lost
to a Redis hiccup costs a page a refresh, never data, and a page refetches whenever
its stream (re)connects.

A stream holds a web thread while it is open, so one process serves at most
MAX_STREAMS of them and ends each after STREAM_SECONDS; the browser reconnects on
its own after RETRY_MS. A closed page is noticed at the next write, so an idle
stream writes a keep-alive comment every KEEPALIVE seconds. A page turned away
because the process is full reconnects the same way, which makes it poll instead
of stream: slower, never stuck.

Presence lives in Redis sorted sets scored by each agent's last heartbeat: who has
a console page open (ONLINE, what round-robin assignment reads) and who is viewing
which conversation. A heartbeat older than PRESENCE_TTL does not count.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.runtime import Runtime

log = logging.getLogger(__name__)

CHANNEL = "souk:console"


def channel(rt: Runtime) -> str:
    """The pub/sub channel of this Redis database: pub/sub ignores databases, so two
    deployments (or test runs) sharing one Redis server on different databases must
    not hear each other."""
    db = rt.redis.connection_pool.connection_kwargs.get("db", 0)
    return f"{CHANNEL}:{db}"
ONLINE = "souk:console:online"
PRESENCE_TTL = 45  # seconds a heartbeat counts
HEARTBEAT = 15  # seconds between a stream's presence heartbeats
# Seconds between keep-alive comments: a closed page is only noticed when a write
# fails, and until then its stream holds a thread.
KEEPALIVE = 2
STREAM_SECONDS = 55
RETRY_MS = 2000
# Half of `souk serve`'s 8 threads: webhooks must always find a free one.
MAX_STREAMS = 4
KINDS = ("inbound", "message", "status", "presence")

_lock = threading.Lock()
_open = 0


def open_streams() -> int:
    """How many event streams this process is serving now."""
    return _open


def _claim() -> bool:
    global _open
    with _lock:
        if _open >= MAX_STREAMS:
            return False
        _open += 1
        return True


def _release() -> None:
    global _open
    with _lock:
        _open -= 1


def _viewing(conversation_id: int) -> str:
    return f"souk:console:viewing:{conversation_id}"


def publish(rt: Runtime, kind: str, conversation_id: int | None = None) -> None:
    """Tell every console page that `kind` happened to a conversation. Never raises."""
    if kind not in KINDS:
        raise ValueError(f"unknown console event {kind!r}")
    data = json.dumps({"type": kind, "conversation": conversation_id})
    try:
        rt.redis.publish(channel(rt), data)
    except redis.RedisError:
        log.warning("console event not published kind=%s conversation=%s", kind,
                    conversation_id, exc_info=True)


def publish_after_commit(s: Session, rt: Runtime, kind: str, conversation_id: int) -> None:
    """Publish once `s` commits: a page that refetches then sees the change."""

    def fire(_session: Session) -> None:
        publish(rt, kind, conversation_id)

    event.listen(s, "after_commit", fire, once=True)


def touch(rt: Runtime, agent_id: int, conversation_id: int | None = None,
          now: float | None = None) -> None:
    """Record a heartbeat: the agent is online, and viewing `conversation_id` if given."""
    now = time.time() if now is None else now
    pipe = rt.redis.pipeline(transaction=False)
    pipe.zadd(ONLINE, {str(agent_id): now})
    if conversation_id is not None:
        key = _viewing(conversation_id)
        pipe.zadd(key, {str(agent_id): now})
        pipe.expire(key, PRESENCE_TTL * 2)
    pipe.execute()


def leave(rt: Runtime, agent_id: int, conversation_id: int) -> None:
    """The agent stopped viewing the conversation."""
    rt.redis.zrem(_viewing(conversation_id), str(agent_id))


def _recent(rt: Runtime, key: str, now: float | None) -> set[int]:
    now = time.time() if now is None else now
    members = rt.redis.zrangebyscore(key, now - PRESENCE_TTL, "+inf")
    return {int(m.decode() if isinstance(m, bytes) else str(m)) for m in members}


def online(rt: Runtime, now: float | None = None) -> set[int]:
    """Ids of the agents with a console page open."""
    return _recent(rt, ONLINE, now)


def viewers(rt: Runtime, conversation_id: int, now: float | None = None) -> set[int]:
    """Ids of the agents viewing the conversation."""
    return _recent(rt, _viewing(conversation_id), now)


def stream(rt: Runtime, agent_id: int, conversation_id: int | None,
           seconds: float = STREAM_SECONDS, on_connect: Callable[[], None] | None = None,
           ) -> Iterator[str]:
    """Server-sent events for one console page: every console event, and heartbeats."""
    if not _claim():
        # This process is full: ask the page to come back later (it polls meanwhile).
        yield f"retry: {RETRY_MS * 2}\n: busy\n\n"
        return
    pubsub = rt.redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    try:
        touch(rt, agent_id, conversation_id)
        if conversation_id is not None:
            publish(rt, "presence", conversation_id)  # for the others: not heard here
        if on_connect is not None:
            on_connect()
        # What happened before this is on the page: it refetches when the stream opens.
        pubsub.subscribe(channel(rt))
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        start = beat = written = time.monotonic()
        while time.monotonic() - start < seconds:
            message: dict[str, Any] | None = pubsub.get_message(timeout=1.0)
            now = time.monotonic()
            if message and message.get("type") == "message":
                data = message["data"]
                written = now
                yield f"data: {data.decode() if isinstance(data, bytes) else data}\n\n"
            elif now - written >= KEEPALIVE:
                written = now
                yield ":\n\n"
            if now - beat >= HEARTBEAT:
                beat = now
                touch(rt, agent_id, conversation_id)
    except redis.RedisError:
        log.warning("console stream ended by a Redis error agent=%s", agent_id, exc_info=True)
    finally:
        _release()
        try:
            pubsub.close()
            if conversation_id is not None:
                leave(rt, agent_id, conversation_id)
                publish(rt, "presence", conversation_id)
        except redis.RedisError:
            log.warning("console stream cleanup failed agent=%s", agent_id, exc_info=True)
