"""The rate limits hold with two `souk worker` processes sending at once.

104 Telegram messages (100 chats, and 4 more to one of them) and 4 SMS from one long
code are queued at once for two real worker processes, against the fake providers,
with the providers' real limits: 30 a second per bot, 1 a second per chat, 1 a
second per SMS sender. The fakes count what they accepted in every one-second window.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Worker
from sqlalchemy import func, select

from bot.inbox import conversation_for
from bot.models import Outbox, OutboxState
from bot.runtime import Runtime
from channels.base import Address, Outgoing
from tests.conftest import SMS_FROM, _truncate, make_env
from workers.jobs import add_reply
from workers.queues import enqueue_send

RATES = "telegram=30,telegram_chat=1,sms=1,whatsapp=80"
CHATS = 100
BUSY_CHAT, BUSY_SENDS = "4242", 4
SMS_TO, SMS_SENDS = "+14155550123", 4
TOTAL = CHATS + BUSY_SENDS + SMS_SENDS
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """Two processes share a database as in production: PostgreSQL."""
    _truncate(postgres_url)
    return postgres_url


@pytest.fixture
def env(database_url, redis_url, fake_twilio, fake_telegram) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return make_env(database_url, redis_url, fake_twilio, fake_telegram,
                    SOUK_SEND_RATES=RATES, LOG_LEVEL="INFO")


@pytest.fixture
def workers(env: dict[str, str], rt: Runtime, tmp_path: Path) -> Iterator[list[Path]]:
    """Two `souk worker` processes, each in its own process group; their log files."""
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    procs = []
    for log in logs:
        with log.open("w") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "bot", "worker"], cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT, env={**os.environ, **env}, start_new_session=True))
    try:
        deadline = time.monotonic() + 30
        while len(Worker.all(connection=rt.redis)) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(p.poll() is None for p in procs), [log.read_text() for log in logs]
            time.sleep(0.1)
        yield logs
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)  # the worker and its scheduler child
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def queue_messages(rt: Runtime) -> list[int]:
    """Write every message to the outbox, as replies would be."""
    # The slow lanes first, so that their pace overlaps the bulk's rather than follow it.
    targets = [Address("telegram", BUSY_CHAT)] * BUSY_SENDS
    targets += [Address("sms", SMS_TO)] * SMS_SENDS
    targets += [Address("telegram", str(777000 + n)) for n in range(CHATS)]
    with rt.db.session() as s:
        rows = [add_reply(s, rt, conversation_for(s, address), Outgoing(f"message {n}"))
                for n, address in enumerate(targets)]
        return [row.id for row in rows]


def test_two_workers_never_exceed_the_limits_and_keep_pace(  # type: ignore[no-untyped-def]
    rt: Runtime, workers: list[Path], fake_telegram, fake_twilio,
) -> None:
    ids = queue_messages(rt)
    started = time.monotonic()
    for outbox_id in ids:
        enqueue_send(rt, outbox_id)
    deadline = started + 45
    while True:
        with rt.db.session() as s:
            left = s.scalar(select(func.count()).select_from(Outbox).where(
                Outbox.state != OutboxState.DONE.value))
        if not left:
            break
        assert time.monotonic() < deadline, f"{left} messages still unsent"
        time.sleep(0.2)
    elapsed = time.monotonic() - started

    telegram = [c for c in fake_telegram.sent if c.method == "sendMessage"]
    assert len(telegram) == CHATS + BUSY_SENDS
    assert len(fake_twilio.messages) == SMS_SENDS
    assert fake_telegram.max_per_second() <= 30
    assert fake_telegram.max_per_second(BUSY_CHAT) == 1
    assert fake_twilio.max_per_second(SMS_FROM) == 1
    # The busy chat's and the SMS sender's four messages need three seconds at least;
    # 104 Telegram messages at 30 a second need 3.4. Pacing, not stalling: well under 3x.
    assert 3.0 <= elapsed < 12.0, elapsed
    sent_by = [log.read_text().count("sent message=") for log in workers]
    assert sum(sent_by) == TOTAL and min(sent_by) > 0, sent_by  # both workers sent
