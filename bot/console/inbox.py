"""The inbox: conversations waiting for a person first (oldest wait first), then the
agent's own, then all the others by latest activity; filters and search.

Search finds a shopper by name, by address (digits of a phone number are enough)
or by an order number. Lists show masked addresses only (DESIGN.md rule 6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.app import current_runtime
from bot.console import bp
from bot.console.auth import me
from bot.console.takeover import AGENT, BOT, WAITING
from bot.models import Agent, Conversation, Customer, Message, Order
from channels.base import CHANNELS, Address

LIMIT = 50
STATUSES = (BOT, WAITING, AGENT)
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z]{2,4})?")


@dataclass(frozen=True, slots=True)
class Filters:
    """What the agent narrowed the inbox to; empty strings mean no filter."""

    channel: str = ""
    locale: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read the query string; ValueError naming the first bad filter."""
        channel = args.get("channel", "").strip()
        locale = args.get("locale", "").strip()
        status = args.get("status", "").strip()
        q = args.get("q", "").strip()[:100]
        if channel and channel not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
        if locale and not _LOCALE.fullmatch(locale):
            raise ValueError("language must be a locale such as es or pt_BR")
        if status and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return cls(channel, locale, status, q)

    def query(self) -> dict[str, str]:
        """The filters set, as query-string arguments (for links and live refreshes)."""
        return {k: v for k, v in (("channel", self.channel), ("locale", self.locale),
                                  ("status", self.status), ("q", self.q)) if v}


@dataclass(frozen=True, slots=True)
class Row:
    """One conversation in the inbox."""

    id: int
    name: str
    address: str  # masked
    channel: str
    locale: str | None
    status: str
    waiting_since: datetime | None
    assigned: str | None
    last_text: str
    last_at: datetime | None
    mine: bool


@dataclass(frozen=True, slots=True)
class Inbox:
    """The three sections, in the order agents work them."""

    waiting: list[Row]
    mine: list[Row]
    others: list[Row]


def _filtered(stmt: Select[Any], f: Filters) -> Select[Any]:
    if f.channel:
        stmt = stmt.where(Conversation.channel == f.channel)
    if f.locale:
        stmt = stmt.where(Conversation.locale == f.locale)
    if f.status:
        stmt = stmt.where(Conversation.status == f.status)
    if f.q:
        found = [Customer.name.icontains(f.q, autoescape=True),
                 Conversation.address.icontains(f.q, autoescape=True),
                 Conversation.customer_id.in_(select(Order.customer_id).where(
                     func.lower(Order.number) == f.q.lstrip("#").lower()))]
        digits = re.sub(r"\D", "", f.q)
        if len(digits) >= 3:
            found.append(Conversation.address.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*found))
    return stmt


def load(s: Session, agent_id: int, f: Filters) -> Inbox:
    """The inbox as `agent_id` sees it with filters `f`."""
    base = _filtered(select(Conversation).join(Customer).options(
        joinedload(Conversation.customer)), f)
    waiting = s.scalars(base.where(Conversation.status == WAITING)
                        .order_by(Conversation.waiting_since, Conversation.id)
                        .limit(LIMIT)).all()
    mine = s.scalars(base.where(Conversation.status == AGENT,
                                Conversation.assigned_agent_id == agent_id)
                     .order_by(Conversation.updated_at.desc()).limit(LIMIT)).all()
    shown = [c.id for c in (*waiting, *mine)]
    others = s.scalars(base.where(Conversation.id.not_in(shown))
                       .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
                       .limit(LIMIT)).all()
    every = [*waiting, *mine, *others]
    lasts = _last_messages(s, [c.id for c in every])
    names = dict(s.execute(select(Agent.id, Agent.name).where(
        Agent.id.in_({c.assigned_agent_id for c in every if c.assigned_agent_id}))).all())

    def row(c: Conversation) -> Row:
        last = lasts.get(c.id)
        address = Address.parse(c.address)
        assigned = (names.get(c.assigned_agent_id) or f"agent {c.assigned_agent_id}"
                    if c.assigned_agent_id else None)
        return Row(c.id, c.customer.name or address.masked(), address.masked(), address.style,
                   c.locale, c.status, c.waiting_since, assigned,
                   (last.body or "")[:120] if last else "", last.created_at if last else None,
                   c.assigned_agent_id == agent_id)

    return Inbox([row(c) for c in waiting], [row(c) for c in mine], [row(c) for c in others])


def _last_messages(s: Session, ids: Sequence[int]) -> dict[int, Message]:
    if not ids:
        return {}
    latest = (select(func.max(Message.id)).where(Message.conversation_id.in_(ids))
              .group_by(Message.conversation_id))
    return {m.conversation_id: m for m in s.scalars(select(Message).where(
        Message.id.in_(latest)))}


def _current() -> tuple[Filters, Inbox]:
    try:
        f = Filters.from_args(request.args)
    except ValueError as exc:
        abort(400, str(exc))
    with current_runtime().db.session() as s:
        return f, load(s, me().id, f)


@bp.get("/")
def inbox() -> str:
    """The inbox page; it refreshes its rows live."""
    f, box = _current()
    return render_template("console/inbox.html", inbox=box, filters=f,
                           channels=CHANNELS, statuses=STATUSES)


@bp.get("/inbox/rows")
def inbox_rows() -> str:
    """The inbox's sections alone, for the page to swap in on a live event."""
    f, box = _current()
    return render_template("console/_inbox.html", inbox=box, filters=f)
