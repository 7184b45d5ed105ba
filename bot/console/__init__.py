"""The agent console at /console: people in the loop.

Agents see every conversation live, take one over, answer on the shopper's channel
and give it back to the bot; admins also see the dashboard, edit canned replies and
may reveal a masked address (audited). Pages are server-rendered (Jinja) with one
small script for live updates (bot/static/console/), no inline scripts or styles.

    auth.py          login, logout, sessions, the gate (login + CSRF) on every route
    accounts.py      console accounts: argon2 hashes, lockout, `souk agent create`
    takeover.py      asking for a person, assignment, take over, hand back, resolve
    replies.py       an agent's reply through the outbox, the WhatsApp 24-hour window
    live.py          events over Redis pub/sub and presence; events.py streams them (SSE)
    inbox.py         the inbox: waiting first, then mine, then all; filters and search
    conversation.py  one conversation: actions, notes, reveal; transcript.py and
                     panel.py build what it shows
    dashboard.py     the merchant's figures and charts
    canned.py        canned replies per locale
    hours.py         the shop's hours and the wait a shopper is told
    plugin.py        the engine's facts and effects the console adds
    templating.py    template filters: times in the shop's zone, waits in words

CSRF: Flask-WTF's CSRFProtect with WTF_CSRF_CHECK_DEFAULT off, so the token is
checked on the console's routes only (the gate calls `csrf.protect()`); webhooks
and the bearer-key API have no cookies to forge.
"""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter, Map

bp = Blueprint("console", __name__, url_prefix="/console")


class RowId(IntegerConverter):
    """A row id in a URL: a number too large for the database is a 404, not a crash."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**63 - 1)


csrf = CSRFProtect()

VIEWS = ("auth", "templating", "inbox", "conversation", "dashboard", "canned", "events")


def init_app(app: Flask) -> None:
    """Mount the console on `app`, and put the simulator behind its login when not embedded."""
    from bot.app import current_runtime

    rt = app.extensions["souk"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=rt.settings.public_base_url.startswith("https://"),
        WTF_CSRF_CHECK_DEFAULT=False,
        # A console tab stays open all day; the token lives as long as the session,
        # which logout ends on the server.
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)
    app.url_map.converters["id"] = RowId
    for name in VIEWS:
        importlib.import_module(f"bot.console.{name}")
    app.register_blueprint(bp)

    @app.before_request
    def simulator_gate() -> ResponseReturnValue | None:
        """The simulator is open in embedded mode only; otherwise it needs a console login."""
        if request.blueprint != "simulator" or current_runtime().settings.embedded:
            return None
        from bot.console.auth import current_agent

        if current_agent() is not None:
            return None
        if request.path.startswith("/simulator/api/"):
            response = jsonify(error={"code": "unauthorized",
                                      "message": "Sign in to the console to use the simulator."})
            response.status_code = 401
            return response
        return redirect(url_for("console.login", next=request.full_path))


__all__ = ["bp", "csrf", "init_app"]
