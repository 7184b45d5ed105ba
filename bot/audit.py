"""The audit log: who did what, when, from where; written in the caller's transaction.

Actors are written `kind:name`: `apikey:erp`, `agent:3`, `cli`, `shopper`, `system`.
Actions are dotted lowercase verbs, one per kind of event:

| action | when |
| --- | --- |
| `apikey.use` | a merchant API call was authenticated (target: the endpoint) |
| `console.login`, `console.login_failed` | an agent or admin signed in (console) |
| `conversation.takeover`, `conversation.release` | a person took or gave back a chat (console) |
| `message.reveal` | a person revealed a masked address or a message body (console) |
| `customer.export`, `customer.erase` | a shopper's data was exported or erased |
| `consent.opt_in`, `consent.opt_out` | consent changed, by the shopper, the API or a carrier |

A target names a row (`customer:12`, `conversation:7`, an endpoint), never a phone
number or a chat id: the audit log outlives erasure. Admins read it with `entries()`
(the console) or `souk audit` (a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import AuditEntry, utcnow

__all__ = ["MAX_PAGE", "entries", "record", "to_json"]

MAX_PAGE = 500


def record(
    s: Session, actor: str, action: str, target: str | None = None, ip: str | None = None,
    detail: dict[str, Any] | None = None, *, at: datetime | None = None,
) -> AuditEntry:
    """Add one entry; the caller's transaction commits it with the change it describes."""
    if not actor or not action:
        raise ValueError("an audit entry needs an actor and an action")
    entry = AuditEntry(actor=actor[:120], action=action[:64],
                       target=target[:120] if target else None,
                       ip=ip[:64] if ip else None, detail=detail, created_at=at or utcnow())
    s.add(entry)
    return entry


def entries(
    s: Session, *, action: str | Sequence[str] | None = None, actor: str | None = None,
    target: str | None = None, since: datetime | None = None, until: datetime | None = None,
    before_id: int | None = None, limit: int = 100,
) -> list[AuditEntry]:
    """Entries matching every filter given, newest first; page with `before_id`.

    `action` may be one action, several, or a prefix ending in a dot (`"consent."`).
    """
    query = select(AuditEntry)
    if isinstance(action, str):
        if action.endswith("."):
            query = query.where(AuditEntry.action.startswith(action, autoescape=True))
        else:
            query = query.where(AuditEntry.action == action)
    elif action is not None:
        query = query.where(AuditEntry.action.in_(list(action)))
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    limit = max(1, min(limit, MAX_PAGE))
    return list(s.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


def to_json(entry: AuditEntry) -> dict[str, Any]:
    """An entry as a JSON object, for the console, the CLI and exports."""
    return {
        "id": entry.id,
        "at": entry.created_at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "ip": entry.ip,
        "detail": entry.detail,
    }
