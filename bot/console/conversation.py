"""One conversation in the console: transcript, shopper panel, notes, and the actions.

Actions answer like forms do (a redirect back to the page); one that cannot be done
answers the page again with the reason, and status 400 (bad input) or 409 (the
conversation is not in a state for it), changing nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import current_runtime
from bot.console import bp, canned, live, panel, replies, takeover
from bot.console.auth import admin_required, me
from bot.console.takeover import Conflict, GiveBack
from bot.console.transcript import bubbles
from bot.errors import InputError
from bot.models import Agent, AgentNote, AuditEntry, Conversation, Message, utcnow
from channels.base import Address

TRANSCRIPT = 200  # the latest messages shown
MAX_NOTE = 2000


def _names(s: Session, ids: set[int | None]) -> dict[int, str]:
    """What agents are called in the console: their name, else their email's local part."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(select(Agent.id, Agent.name, Agent.email).where(Agent.id.in_(wanted)))
    return {i: name or email.partition("@")[0] for i, name, email in rows}


def _live_context(s: Session, conv: Conversation) -> dict[str, Any]:
    """What the live part of the page shows: state, who holds it, who views it, transcript."""
    rt = current_runtime()
    agent = me()
    messages = list(reversed(s.scalars(
        select(Message).where(Message.conversation_id == conv.id)
        .order_by(Message.id.desc()).limit(TRANSCRIPT)).all()))
    viewing = live.viewers(rt, conv.id) - {agent.id}
    agent_ids = {int((m.meta or {})["agent_id"]) for m in messages
                 if (m.meta or {}).get("agent_id")}
    names = _names(s, {*agent_ids, *viewing, conv.assigned_agent_id})
    address = Address.parse(conv.address)
    now = utcnow()
    holder = names.get(conv.assigned_agent_id) if conv.assigned_agent_id else None
    mine = conv.assigned_agent_id == agent.id
    assignment = None
    if holder is not None:
        verb = "held by" if conv.status == "agent" else "assigned to"
        assignment = f"{verb} {'you' if mine else holder}"
    return {
        "conv": conv,
        "masked": address.masked(),
        "style": address.style,
        "bubbles": bubbles(messages, address.style, names),
        "truncated": len(messages) == TRANSCRIPT,
        "holder": holder,
        "mine": mine,
        "assignment": assignment,
        "viewers": sorted(names.get(i, f"agent {i}") for i in viewing),
        "needs_template": replies.needs_template(conv, now),
        "window_closes": replies.window_closes_at(conv),
        "waited": now - conv.waiting_since if conv.waiting_since else None,
    }


def _page(conversation_id: int, error: str | None = None,
          status: int = 200) -> ResponseReturnValue:
    rt = current_runtime()
    agent = me()
    with rt.db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            abort(404, "There is no such conversation.")
        context = _live_context(s, conv)
        notes = s.scalars(select(AgentNote).where(AgentNote.conversation_id == conv.id)
                          .order_by(AgentNote.id)).all()
        locale = conv.locale or rt.shop.default_locale
        context.update(
            panel=panel.load(s, conv),
            notes=notes,
            note_authors=_names(s, {n.agent_id for n in notes}),
            canned=canned.for_locale(s, locale),
            templates=replies.templates_for(rt.shop, conv.locale),
            customer_name=conv.customer.name or "",
            locale=locale,
            me=agent,
            error=error,
        )
        # Rendered inside the session: the template reads the shopper's rows.
        return Response(render_template("console/conversation.html", **context),
                        status=status)


@bp.get("/conversations/<id:conversation_id>")
def conversation(conversation_id: int) -> ResponseReturnValue:
    """The conversation page."""
    return _page(conversation_id)


@bp.get("/conversations/<id:conversation_id>/live")
def conversation_live(conversation_id: int) -> str:
    """The page's live part alone (state, viewers, transcript), swapped in on events."""
    with current_runtime().db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            abort(404, "There is no such conversation.")
        return render_template("console/_live.html", **_live_context(s, conv))


def _done(conversation_id: int) -> ResponseReturnValue:
    return redirect(url_for("console.conversation", conversation_id=conversation_id))


def _refused(conversation_id: int, exc: InputError) -> ResponseReturnValue:
    return _page(conversation_id, str(exc), 409 if isinstance(exc, Conflict) else 400)


@bp.post("/conversations/<id:conversation_id>/takeover")
def take_over(conversation_id: int) -> ResponseReturnValue:
    """Hold the conversation: the bot falls silent and the agent answers."""
    rt = current_runtime()
    try:
        with rt.db.session() as s:
            # Locked until the commit: of two agents clicking at once, one holds it and
            # the other is told so.
            conv = s.get(Conversation, conversation_id, with_for_update=True)
            agent = s.get(Agent, me().id)
            if conv is None or agent is None:
                abort(404, "There is no such conversation.")
            takeover.take_over(s, conv, agent, ip=request.remote_addr)
    except Conflict as exc:
        return _refused(conversation_id, exc)
    return _done(conversation_id)


def _give_back(conversation_id: int, how: GiveBack) -> ResponseReturnValue:
    try:
        takeover.give_back(current_runtime(), conversation_id, me(), how,
                           ip=request.remote_addr)
    except Conflict as exc:
        return _refused(conversation_id, exc)
    return redirect(url_for("console.inbox"))


@bp.post("/conversations/<id:conversation_id>/handback")
def hand_back(conversation_id: int) -> ResponseReturnValue:
    """Give the conversation back to the bot; the shopper is back at the menu."""
    return _give_back(conversation_id, GiveBack())


@bp.post("/conversations/<id:conversation_id>/resolve")
def resolve(conversation_id: int) -> ResponseReturnValue:
    """Close the takeover as done; the bot may ask the shopper for a rating."""
    ask = request.form.get("ask_rating") == "1"
    return _give_back(conversation_id, GiveBack(resolved=True, ask_rating=ask))


@bp.post("/conversations/<id:conversation_id>/reply")
def reply(conversation_id: int) -> ResponseReturnValue:
    """Send the agent's reply (text, or a template) on the shopper's channel."""
    form = request.form
    answer = replies.Reply(
        text=form.get("text", ""),
        template_kind=form.get("template") or None,
        variables={str(n): form.get(f"var{n}", "") for n in (1, 2, 3)},
    )
    try:
        replies.send_reply(current_runtime(), conversation_id, me(), answer)
    except InputError as exc:
        return _refused(conversation_id, exc)
    return _done(conversation_id)


@bp.post("/conversations/<id:conversation_id>/notes")
def add_note(conversation_id: int) -> ResponseReturnValue:
    """Add an internal note: agents see it, the shopper never does."""
    body = request.form.get("body", "").strip()
    if not body or len(body) > MAX_NOTE:
        return _refused(conversation_id,
                        InputError(f"A note needs 1-{MAX_NOTE} characters."))
    with current_runtime().db.session() as s:
        if s.get(Conversation, conversation_id) is None:
            abort(404, "There is no such conversation.")
        s.add(AgentNote(conversation_id=conversation_id, agent_id=me().id, body=body))
    return _done(conversation_id)


@bp.post("/conversations/<id:conversation_id>/reveal")
@admin_required
def reveal(conversation_id: int) -> ResponseReturnValue:
    """The full address behind the mask, for an admin; written to the audit log."""
    agent = me()
    with current_runtime().db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            abort(404, "There is no such conversation.")
        s.add(AuditEntry(actor=f"agent:{agent.id}", action="reveal",
                         target=f"conversation:{conversation_id}", ip=request.remote_addr))
        address = conv.address
    return jsonify(address=address)

