"""Helpers for tests that drive souk end to end: signed webhooks in, jobs run."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from bot.models import Direction, Message, Outbox, OutboxState
from bot.runtime import QUEUES, Runtime
from tests.conftest import PUBLIC_BASE_URL, SMS_FROM, TELEGRAM_SECRET, WHATSAPP_FROM
from tests.fakes.signing import twilio_signature

_sids = itertools.count(1)
# Clear of the recorded fixtures' update ids (100000001…), which tests post as well.
_updates = itertools.count(200000001)


class BurstWorker(SimpleWorker):
    """A SimpleWorker without RQ's pubsub thread for remote commands: tests send none,
    and stopping that thread costs up to a second every time a burst ends."""

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass


def run_jobs(rt: Runtime, timeout: float = 20.0) -> None:
    """Run queued and scheduled jobs in this process until no work is left.

    Jobs scheduled beyond `timeout` (a reminder an hour away) are not work left now;
    `run_due(rt, minutes=...)` brings them forward, as if the clock had moved on.
    """
    deadline = time.monotonic() + timeout
    queues = [rt.queue(name) for name in QUEUES]
    while True:
        BurstWorker(queues, connection=rt.redis).work(
            burst=True, with_scheduler=True, logging_level="WARNING"
        )
        horizon = time.time() + timeout
        scheduled = sum(len(ScheduledJobRegistry(queue=q).get_jobs_to_schedule(int(horizon)))
                        for q in queues)
        queued = sum(q.count for q in queues)
        if not scheduled and not queued and not _pending_work(rt):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"jobs still pending after {timeout}s: queued={queued} "
                                 f"scheduled={scheduled}")
        time.sleep(0.05)


def work_once(rt: Runtime) -> None:
    """Run the jobs queued now (and scheduled jobs already due), then return."""
    SimpleWorker([rt.queue(name) for name in QUEUES], connection=rt.redis).work(
        burst=True, with_scheduler=True, logging_level="WARNING"
    )
def run_due(rt: Runtime, minutes: float) -> int:
    """Move jobs scheduled within the next `minutes` to now and run them; how many moved."""
    moved = 0
    limit = int(time.time() + minutes * 60)
    for queue in (rt.queue(name) for name in QUEUES):
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_jobs_to_schedule(limit):
            rt.redis.zadd(registry.key, {job_id: int(time.time()) - 1})
            moved += 1
    run_jobs(rt)
    return moved


def _pending_work(rt: Runtime) -> bool:
    with rt.db.session() as s:
        unprocessed = s.scalar(select(func.count()).select_from(Message).where(
            Message.direction == Direction.IN.value, Message.processed_at.is_(None)))
        pending = s.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.state != OutboxState.DONE.value))
    return bool(unprocessed or pending)


def next_sid() -> str:
    return f"SM{next(_sids):032x}"


def twilio_form(frm: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    """An inbound Twilio webhook form, as Twilio sends it for SMS or WhatsApp."""
    sid = sid or next_sid()
    whatsapp = frm.startswith("whatsapp:")
    form = {
        "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": frm, "To": WHATSAPP_FROM if whatsapp else SMS_FROM,
        "Body": body, "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if whatsapp:
        form.update({"WaId": frm.removeprefix("whatsapp:+"), "ProfileName": "Ana",
                     "MessageType": "text"})
    form.update(extra)
    return form


def post_twilio(client: Any, token: str, form: dict[str, str], path: str = "/webhooks/twilio",
                signature: str | None = None) -> Any:
    """POST a Twilio webhook signed as Twilio signs it (over PUBLIC_BASE_URL + path)."""
    sig = signature if signature is not None else twilio_signature(
        PUBLIC_BASE_URL + path, form, token)
    headers = {"X-Twilio-Signature": sig} if sig else {}
    return client.post(path, data=urlencode(form), headers=headers,
                       content_type="application/x-www-form-urlencoded")


def telegram_update(chat_id: int, text: str | None = None, *, data: str | None = None,
                    update_id: int | None = None, first_name: str = "Ana",
                    language_code: str | None = None) -> dict[str, Any]:
    """A Telegram update: a text message, or a button press when `data` is given."""
    uid = update_id if update_id is not None else next(_updates)
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    chat = {"id": chat_id, "type": "private", "first_name": first_name}
    if data is not None:
        return {"update_id": uid, "callback_query": {
            "id": f"cb{uid}", "chat_instance": "-1", "from": user, "data": data,
            "message": {"message_id": 1, "date": 1767225600, "chat": chat,
                        "from": {"id": 777, "is_bot": True, "first_name": "ShopBot"},
                        "text": "menu"}}}
    return {"update_id": uid, "message": {"message_id": uid % 100000, "date": 1767225600,
                                          "from": user, "chat": chat, "text": text}}


def post_telegram(client: Any, update: dict[str, Any] | bytes | str,
                  secret: str | None = TELEGRAM_SECRET) -> Any:
    body = update if isinstance(update, bytes | str) else json.dumps(update)
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return client.post("/webhooks/telegram", data=body, headers=headers,
                       content_type="application/json")
