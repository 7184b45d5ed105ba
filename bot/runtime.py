"""The process's shared parts: settings, database, Redis, queues, shop, channels.

Built once per process from the environment (`get()`), or installed by the app
factory and tests (`install()`); RQ jobs take ids and find everything else here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

import redis
from rq import Queue

from bot.config import Settings

if TYPE_CHECKING:
    import fakeredis
from bot.db import Database
from bot.models import utcnow
from bot.shop import Shop, load_shop
from bot.state import StateStore
from channels.base import Channel

log = logging.getLogger(__name__)

INBOUND = "souk-inbound"
OUTBOUND = "souk-outbound"
DEFAULT = "souk-default"
QUEUES = (INBOUND, OUTBOUND, DEFAULT)

_embedded_server_lock = threading.Lock()
_embedded_server: fakeredis.FakeServer | None = None


def embedded_redis() -> redis.Redis:
    """The in-process Redis stand-in of embedded mode: one server shared by every client."""
    global _embedded_server
    import fakeredis

    with _embedded_server_lock:
        if _embedded_server is None:
            _embedded_server = fakeredis.FakeServer()
        return fakeredis.FakeRedis(server=_embedded_server)


def connect_redis(settings: Settings) -> redis.Redis:
    if settings.redis_url is None:
        return embedded_redis()
    return redis.Redis.from_url(
        settings.redis_url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30
    )


@dataclass
class Runtime:
    """Everything a request or a job needs, built from Settings."""

    settings: Settings
    db: Database
    redis: redis.Redis
    shop: Shop
    channels: dict[str, Channel] = field(default_factory=dict)
    # What time it is for decisions that depend on it (opening hours, quiet hours);
    # tests replace it to make those decisions reproducible.
    clock: Callable[[], datetime] = utcnow

    def now(self) -> datetime:
        return self.clock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        from bot.adapters import build_channels

        return cls(
            settings=settings,
            db=Database(settings.database_url),
            redis=connect_redis(settings),
            shop=load_shop(settings.shop_config),
            channels=build_channels(settings),
        )

    @cached_property
    def state(self) -> StateStore:
        return StateStore(self.redis, self.settings.state_ttl)

    @cached_property
    def queues(self) -> dict[str, Queue]:
        return {name: Queue(name, connection=self.redis) for name in QUEUES}

    def queue(self, name: str) -> Queue:
        return self.queues[name]

    def channel(self, name: str) -> Channel | None:
        return self.channels.get(name)

    def close(self) -> None:
        self.db.dispose()
        self.redis.close()


_current: Runtime | None = None
_lock = threading.Lock()


def install(runtime: Runtime | None) -> None:
    """Make `runtime` the process's runtime (the app factory and tests do this)."""
    global _current
    with _lock:
        _current = runtime


def get() -> Runtime:
    """The process's runtime, built from the environment on first use."""
    global _current
    with _lock:
        if _current is None:
            _current = Runtime.from_settings(Settings.from_env())
        return _current
