"""Looking for a shopper's traces everywhere souk writes: the database, Redis, a log file."""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from sqlalchemy import select

from bot.cli import NOISY, setup_logging
from bot.models import Base
from bot.redact import RedactingFilter
from bot.runtime import Runtime


def database_text(rt: Runtime) -> str:
    """Every row of every table, as text."""
    lines = []
    with rt.db.session() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def redis_bytes(conn: redis.Redis) -> bytes:
    """Every key and value in the Redis database, RQ's compressed job data unpacked."""
    chunks: list[bytes] = []
    for key in conn.scan_iter(count=1000):
        chunks.append(key)
        kind = conn.type(key)
        if kind == b"string":
            chunks.append(conn.get(key) or b"")
        elif kind == b"hash":
            for field, value in conn.hgetall(key).items():
                chunks += [field, value]
                with contextlib.suppress(zlib.error):  # RQ compresses a job's data
                    chunks.append(zlib.decompress(value))
        elif kind == b"list":
            chunks += conn.lrange(key, 0, -1)
        elif kind == b"set":
            chunks += list(conn.smembers(key))
        elif kind == b"zset":
            chunks += conn.zrange(key, 0, -1)
        elif kind == b"stream":
            chunks += [repr(entry).encode() for entry in conn.xrange(key)]
    return b"\n".join(chunks)


@contextmanager
def log_file(path: Path, secrets: tuple[str, ...] = ()) -> Iterator[Path]:
    """Log everything at DEBUG to `path` the way `souk` sets logging up; undo it after."""
    root = logging.getLogger()
    level, noisy = root.level, {name: logging.getLogger(name).level for name in NOISY}
    handler = logging.FileHandler(path, encoding="utf-8")
    setup_logging("DEBUG", secrets, handler=handler)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)
        for name, old in noisy.items():
            logging.getLogger(name).setLevel(old)
        for each in root.handlers:
            for f in [f for f in each.filters if isinstance(f, RedactingFilter)]:
                each.removeFilter(f)
