"""Notifications: messages souk pushes to a shopper who did not just ask for them.

A notification is an outbox row like any reply, with `requested=False`, the consent
`topic` it needs (`order_updates`, `marketing`, or None for a question about
consent itself) and a note in `Message.meta["notice"]` that the send-time rules
(bot/rules.py) read:

    kind       what it is about: an order event ("shipped"), "campaign", "note"...
    template   the shop file's [templates.<template>] to send on WhatsApp outside
               the 24-hour window; without one there, the message is not sent
    variables  that template's ContentVariables, {"1": "1042", ...}
    locale     the language it was written in, whose template fits it
    urgent     whether it may be sent during the shopper's quiet hours

Rows written here are queued for sending when the caller's transaction commits,
whoever the caller is (an API request, a job, the checkout's payment handler).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.models import Conversation, Outbox
from bot.runtime import Runtime
from bot.shop import Shop
from channels.base import Outgoing

log = logging.getLogger(__name__)

CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
# Order events worth a message at night: the shopper can act on them now (be home for
# the courier, answer customs, fix an address) or has just paid and is waiting for it.
URGENT_KINDS = frozenset({"paid", "customs_hold", "out_for_delivery", "exception"})
_PENDING = "souk_after_commit"
_LISTENING = "souk_after_commit_listening"


@dataclass(frozen=True, slots=True)
class Notice:
    """What the send-time rules need to know about a notification."""

    kind: str
    locale: str
    template: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    urgent: bool = False

    def to_json(self) -> dict[str, Any]:
        """The notice as stored in Message.meta["notice"]."""
        data = asdict(self)
        data["variables"] = dict(self.variables)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notice:
        """A stored notice."""
        return cls(
            kind=str(data.get("kind", "")),
            locale=str(data.get("locale", "")),
            template=data.get("template"),
            variables={str(k): str(v) for k, v in (data.get("variables") or {}).items()},
            urgent=bool(data.get("urgent", False)),
        )


def template_sid(shop: Shop, name: str | None, locale: str) -> str | None:
    """The Content SID of template `name` for `locale`: its own, its language's, the shop's."""
    entry = shop.templates.get(name or "") or {}
    for candidate in (locale, locale.split("_")[0], shop.default_locale):
        sid = entry.get(candidate)
        if isinstance(sid, str) and CONTENT_SID.fullmatch(sid):
            return sid
    return None


def template_fields(shop: Shop, name: str, default: Sequence[str]) -> list[str]:
    """The values a template's {{1}}, {{2}}... take, by name (shop file `variables`)."""
    entry: Mapping[str, Any] = shop.templates.get(name) or {}
    names = entry.get("variables")
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return list(names)
    return list(default)


def numbered(values: Sequence[str]) -> dict[str, str]:
    """Template variables as Twilio wants them: {"1": ..., "2": ...}, never empty strings."""
    return {str(i): (v.strip() or "-") for i, v in enumerate(values, 1)}


def write(
    s: Session, rt: Runtime, conv: Conversation, reply: Outgoing, notice: Notice, *,
    topic: str | None, meta: Mapping[str, Any] | None = None,
) -> Outbox:
    """Put a notification in the outbox; it is queued when the transaction commits."""
    from workers.jobs import add_reply

    row = add_reply(s, rt, conv, reply, author="system", requested=False, topic=topic)
    row.message.meta = {**(meta or {}), "notice": notice.to_json()}
    send_after_commit(s, rt, row.id)
    return row


def send_after_commit(s: Session, rt: Runtime, outbox_id: int) -> None:
    """Queue an outbox row once `s` commits; a rollback forgets it."""
    from workers.queues import enqueue_send

    after_commit(s, lambda: enqueue_send(rt, outbox_id))


def after_commit(s: Session, job: Callable[[], None]) -> None:
    """Run `job` once `s` commits (jobs run in the order given); a rollback forgets it."""
    if not s.info.get(_LISTENING):
        event.listen(s, "after_commit", _committed)
        event.listen(s, "after_rollback", _rolled_back)
        s.info[_LISTENING] = True
    s.info.setdefault(_PENDING, []).append(job)


def _committed(session: Session) -> None:
    for job in session.info.pop(_PENDING, []):
        try:
            job()
        except Exception:
            # What was committed is safe: the sweeper sends outbox rows a lost enqueue
            # left behind. A question not asked is only a question not asked.
            log.warning("after-commit job failed", exc_info=True)


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
