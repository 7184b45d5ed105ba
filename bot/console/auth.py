"""Console sign-in: login and logout pages, server-side sessions, the gate on every page.

A login starts a session: a random id, kept in Flask's signed cookie (HttpOnly,
SameSite=Lax, Secure when PUBLIC_BASE_URL is https) and, by its hash, in Redis with
the agent's id. Logout deletes the Redis key, so a copied cookie stops working too.
Every console route but the login page needs a session (without one it redirects
to the login page) and every POST needs the CSRF token (Flask-WTF), or it is
refused with 400 and changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import (
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from bot.app import current_runtime
from bot.console import bp, csrf
from bot.console.accounts import authenticate
from bot.models import Agent, AuditEntry

F = TypeVar("F", bound=Callable[..., Any])
SESSION_TTL = timedelta(hours=12)
PUBLIC_ENDPOINTS = ("console.login",)


def _key(sid: str) -> str:
    return "souk:console:session:" + hashlib.sha256(sid.encode()).hexdigest()


def current_agent() -> Agent | None:
    """The agent signed in on this request, or None (cached for the request)."""
    if "agent" in g:
        agent: Agent | None = g.agent
        return agent
    g.agent = None
    sid = session.get("sid")
    if not isinstance(sid, str):
        return None
    rt = current_runtime()
    raw = rt.redis.get(_key(sid))
    if raw is None:
        return None
    with rt.db.session() as s:
        agent = s.get(Agent, int(raw))
        if agent is None or not agent.active:
            return None
        s.expunge(agent)
    # Sliding expiry: a console left open all day stays signed in; one left alone ends.
    rt.redis.expire(_key(sid), SESSION_TTL)
    g.agent = agent
    return agent


def start_session(agent: Agent) -> None:
    """Sign `agent` in: a fresh session id (and CSRF token) in place of any old one."""
    session.clear()
    sid = secrets.token_urlsafe(32)
    current_runtime().redis.set(_key(sid), str(agent.id), ex=SESSION_TTL)
    session["sid"] = sid
    g.agent = agent


def end_session() -> None:
    """Sign out: the session id stops working wherever the cookie was copied."""
    sid = session.get("sid")
    if isinstance(sid, str):
        current_runtime().redis.delete(_key(sid))
    session.clear()
    g.agent = None


def _safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only, never another host."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and target.isprintable() and " " not in target):
        return target
    return url_for("console.inbox")


@bp.before_request
def gate() -> ResponseReturnValue | None:
    """Every console route: a session first (else the login page), then the CSRF token."""
    if request.endpoint not in PUBLIC_ENDPOINTS and current_agent() is None:
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("console.login", next=target))
    csrf.protect()
    return None


@bp.errorhandler(HTTPException)
def error_page(exc: HTTPException) -> tuple[str, int]:
    """A console error as a page with the reason (a missing CSRF token is a 400 too)."""
    return render_template("console/error.html", error=exc), exc.code or 500


@bp.after_request
def no_store(response: Response) -> Response:
    """Console pages show personal data: browsers and proxies must not keep copies."""
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_required(view: F) -> F:
    """Let only admins through; agents get 403."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        agent = current_agent()
        if agent is None or agent.role != "admin":
            abort(403, "This page is for admins.")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def me() -> Agent:
    """The signed-in agent of a request that passed the gate."""
    agent = current_agent()
    assert agent is not None
    return agent


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; a wrong password answers 401, a locked account 429."""
    if request.method == "GET":
        if current_agent() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("console/login.html", next=request.args.get("next", ""))
    email = request.form.get("email", "")
    password = request.form.get("password", "")
    rt = current_runtime()
    with rt.db.session() as s:
        result = authenticate(s, email, password, ip=request.remote_addr)
        if result.agent is not None:
            s.flush()
            s.expunge(result.agent)
    if result.agent is None:
        locked = result.problem == "locked"
        error = ("Too many failed attempts: this account is locked for a while. Try again "
                 "later or ask an admin." if locked else "Wrong email or password.")
        response = Response(render_template("console/login.html", error=error, email=email,
                                            next=request.form.get("next", "")),
                            status=429 if locked else 401)
        if locked:
            response.headers["Retry-After"] = str(result.retry_after)
        return response
    start_session(result.agent)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out and go back to the login page."""
    agent = me()
    with current_runtime().db.session() as s:
        s.add(AuditEntry(actor=f"agent:{agent.id}", action="logout", ip=request.remote_addr))
    end_session()
    return redirect(url_for("console.login"))


@bp.post("/availability")
def availability() -> ResponseReturnValue:
    """Take new conversations or not: round-robin assignment skips unavailable agents."""
    agent = me()
    wanted = request.form.get("available") == "1"
    with current_runtime().db.session() as s:
        row = s.scalar(select(Agent).where(Agent.id == agent.id))
        assert row is not None
        row.available = wanted
    return redirect(_safe_next(request.form.get("next")))
