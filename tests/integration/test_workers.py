"""Real `souk worker` processes on the real Redis: a SIGKILL mid-send loses nothing and
sends nothing twice; many shoppers at once are each answered, in order.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot.models import Direction, Message, Outbox
from bot.runtime import Runtime
from tests.conftest import PUBLIC_BASE_URL, TELEGRAM_SECRET
from tests.fakes.signing import twilio_signature
from tests.processes import SoukProcess, wait_until
from tests.support import post_twilio, run_jobs, telegram_update, twilio_form

pytestmark = pytest.mark.slow

# Short enough that a dead worker's conversation is taken over in a few seconds.
FAST = {"SOUK_LOCK_SECONDS": "2", "SOUK_SWEEP_INTERVAL": "0.5", "SOUK_SWEEP_GRACE": "1",
        "LOG_LEVEL": "INFO"}


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[list[SoukProcess]]:
    """Start `souk worker` processes with `workers.append(start())`; all stopped after."""
    started: list[SoukProcess] = []
    yield started
    for worker in started:
        worker.stop()


def start_worker(env: dict[str, str], tmp_path: Path, name: str) -> SoukProcess:
    worker = SoukProcess(["worker"], {**env, **FAST}, tmp_path / f"{name}.log")
    worker.wait_for_output("worker ready")
    return worker


def outbox_rows(rt: Runtime) -> list[Outbox]:
    with rt.db.session() as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.id)))


def test_a_worker_killed_mid_send_leaves_the_reply_to_the_next_worker_sent_once(
    rt: Runtime, client: Any, fake_twilio: Any, env: dict[str, str], tmp_path: Path,
    workers: list[SoukProcess],
) -> None:
    # Twilio takes the request and sits on it: the worker is killed before it accepts.
    fake_twilio.hang_next(60)
    form = twilio_form("whatsapp:+5511987654321", "oi")
    assert post_twilio(client, fake_twilio.auth_token, form).status_code == 200

    first = start_worker(env, tmp_path, "first")
    workers.append(first)
    fake_twilio.wait_holding(1, timeout=15)
    [row] = outbox_rows(rt)
    assert row.state == "sending"  # the outbox row was written and its send began
    first.kill()
    wait_until(lambda: [a[2] for a in fake_twilio.attempts] == [0], 5,
               "the fake to see the killed worker's request abandoned")
    assert fake_twilio.messages == []

    workers.append(start_worker(env, tmp_path, "second"))
    [sent] = fake_twilio.wait_for(1, timeout=20)
    wait_until(lambda: outbox_rows(rt)[0].state == "done", 10, "the outbox row to be done")
    # Several sweeps later, still exactly one message arrived.
    threading.Event().wait(2.0)
    assert len(fake_twilio.messages) == 1
    assert sent.to == "whatsapp:+5511987654321" and (sent.body or "").startswith("Oi, Ana!")
    [row] = outbox_rows(rt)
    assert (row.state, row.attempts, row.parts_sent) == ("done", 2, 1)
    with rt.db.session() as s:
        message = s.scalar(select(Message).where(Message.direction == Direction.OUT.value))
        assert message is not None and message.provider_id == sent.sid


# -- many shoppers at once ---------------------------------------------------------------

SAYS = ("hi", "help", "thanks")
# Brazilian WhatsApp numbers are answered in Portuguese, the others in English.
EXPECTED = {
    "whatsapp": ("Oi, Ana! Bem-vindo(a)", "Souk Demo Shop: eu encontro produtos", "De nada!"),
    "sms": ("Hi! Welcome to Souk Demo Shop.", "Souk Demo Shop: I can find products",
            "You're welcome! Anything else?"),
    "telegram": ("Hi Ana! Welcome to Souk Demo Shop.", "Souk Demo Shop: I can find products",
                 "You're welcome! Anything else?"),
}


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The app on a real threaded HTTP server on 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def post(base: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(base + path, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


def shopper(base: str, address: str, token: str, start: threading.Barrier,
            errors: list[str]) -> None:
    """Send SAYS one after the other, as one person types, once every shopper is ready."""
    start.wait()
    try:
        for text in SAYS:
            if address.startswith("telegram:"):
                body = json.dumps(telegram_update(int(address[9:]), text)).encode()
                status = post(base, "/webhooks/telegram", body, {
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
            else:
                form = twilio_form(address.removeprefix("sms:"), text)
                signature = twilio_signature(PUBLIC_BASE_URL + "/webhooks/twilio", form, token)
                status = post(base, "/webhooks/twilio", urlencode(form).encode(), {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature})
            assert status == 200
    except Exception as exc:  # reported by the test, not lost in a thread
        errors.append(f"{address}: {exc!r}")


def test_twenty_shoppers_at_once_are_each_answered_in_order(
    rt: Runtime, served: str, fake_twilio: Any, fake_telegram: Any, env: dict[str, str],
    tmp_path: Path, workers: list[SoukProcess],
) -> None:
    addresses = (
        [f"whatsapp:+55119876543{n:02d}" for n in range(7)]
        + [f"sms:+14155550{n:03d}" for n in range(7)]
        + [f"telegram:{7000 + n}" for n in range(6)]
    )
    workers.extend(start_worker(env, tmp_path, f"worker{n}") for n in range(2))
    start = threading.Barrier(len(addresses))
    errors: list[str] = []
    threads = [threading.Thread(target=shopper, args=(served, a, fake_twilio.auth_token, start,
                                                      errors)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []

    fake_twilio.wait_for(14 * len(SAYS), timeout=60)
    fake_telegram.wait_for(6 * len(SAYS), timeout=60, method="sendMessage")
    threading.Event().wait(1.0)  # room for a duplicate to show up, if there were one
    for address in addresses:
        channel, _, ident = address.partition(":")
        if channel == "telegram":
            texts = [c.params["text"] for c in fake_telegram.sent
                     if c.method == "sendMessage" and c.chat_id == ident]
        else:
            to = address if channel == "whatsapp" else ident
            texts = [m.body or "" for m in fake_twilio.messages if m.to == to]
        assert len(texts) == len(SAYS), (address, texts)
        for text, expected in zip(texts, EXPECTED[channel], strict=True):
            assert text.startswith(expected), (address, texts)
    with rt.db.session() as s:
        counts = dict(s.execute(select(Message.direction, func.count())
                                .group_by(Message.direction)).all())
        undone = s.scalar(select(func.count()).select_from(Outbox)
                          .where(Outbox.state != "done"))
    assert counts == {"in": 60, "out": 60}
    assert undone == 0


def test_a_retry_racing_its_original_is_stored_once_and_answered_once(
    rt: Runtime, served: str, fake_telegram: Any
) -> None:
    # Telegram re-sends an update it thinks timed out while the first is still in flight,
    # and the shopper's next message races them: one conversation, each message once.
    update = json.dumps(telegram_update(9001, "hello there", update_id=31337)).encode()
    other = json.dumps(telegram_update(9001, "help", update_id=31338)).encode()
    headers = {"Content-Type": "application/json",
               "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    start = threading.Barrier(4)
    statuses: list[int] = []

    def deliver(body: bytes) -> None:
        start.wait()
        statuses.append(post(served, "/webhooks/telegram", body, headers))

    threads = [threading.Thread(target=deliver, args=(body,))
               for body in (update, update, update, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 4
    with rt.db.session() as s:
        stored = s.scalars(select(Message.provider_id).where(Message.direction == "in")).all()
        conversations = s.scalars(select(Message.conversation_id).distinct()).all()
    assert sorted(stored) == ["31337", "31338"]
    assert len(conversations) == 1
    run_jobs(rt)
    assert len([c for c in fake_telegram.sent if c.method == "sendMessage"]) == 2
