"""Canned replies: ready-made answers in the shopper's language, edited by admins.

Until an admin edits a locale's list, it is DEFAULTS translated into that locale
(gettext, so a new locale's translators cover them too). The first edit copies that
list into the database, where it stays the locale's own from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import i18n
from bot.app import current_runtime
from bot.console import bp
from bot.console.auth import admin_required
from bot.i18n import N_
from bot.models import CannedReply

MAX_TITLE = 80
MAX_BODY = 1600

# (title for agents, reply for the shopper)
DEFAULTS = (
    ("Greeting", N_("Hi! Thanks for waiting. I'm reading your messages now.")),
    ("One moment", N_("Give me a moment, please: I'm checking this for you.")),
    ("Order number", N_("Could you send me your order number, please?")),
    ("Anything else", N_("Is there anything else I can help you with?")),
    ("Goodbye", N_("Thank you for contacting us. Have a great day!")),
)


@dataclass(frozen=True, slots=True)
class Canned:
    """A canned reply as the console offers it."""

    id: int | None  # None: a default not edited yet
    title: str
    body: str


def for_locale(s: Session, locale: str) -> list[Canned]:
    """The canned replies of `locale`: the admins' own, or the translated defaults."""
    rows = s.scalars(select(CannedReply).where(CannedReply.locale == locale)
                     .order_by(CannedReply.position, CannedReply.id)).all()
    if rows:
        return [Canned(r.id, r.title, r.body) for r in rows]
    return [Canned(None, title, i18n.gettext(locale, body)) for title, body in DEFAULTS]


def _materialize(s: Session, locale: str) -> None:
    """Copy the defaults into the database so that a first edit keeps the others."""
    if s.scalar(select(CannedReply.id).where(CannedReply.locale == locale).limit(1)):
        return
    for position, item in enumerate(for_locale(s, locale)):
        s.add(CannedReply(locale=locale, title=item.title, body=item.body, position=position))
    s.flush()


def _locale_arg(raw: str | None) -> str:
    locale = raw or i18n.SOURCE_LOCALE
    if locale not in i18n.SUPPORTED:
        abort(400, f"The language must be one of {', '.join(i18n.SUPPORTED)}.")
    return locale


def _fields() -> tuple[str, str]:
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "").strip()
    if not title or len(title) > MAX_TITLE:
        abort(400, f"A canned reply needs a title of 1-{MAX_TITLE} characters.")
    if not body or len(body) > MAX_BODY:
        abort(400, f"A canned reply needs a text of 1-{MAX_BODY} characters.")
    return title, body


def _row(s: Session, locale: str, raw_id: str, default: str) -> CannedReply:
    """The row an edit form names: by id, or a default by its place in the list."""
    row: CannedReply | None = None
    if raw_id.isdigit():
        row = s.get(CannedReply, int(raw_id))
    elif default.isdigit():
        rows = s.scalars(select(CannedReply).where(CannedReply.locale == locale)
                         .order_by(CannedReply.position, CannedReply.id)).all()
        row = rows[int(default)] if int(default) < len(rows) else None
    if row is None or row.locale != locale:
        abort(404, "There is no such canned reply.")
    return row


@bp.get("/admin/canned")
@admin_required
def canned() -> str:
    """The canned replies of one language, for admins to edit."""
    locale = _locale_arg(request.args.get("locale"))
    with current_runtime().db.session() as s:
        items = for_locale(s, locale)
    return render_template("console/canned.html", items=items, locale=locale,
                           locales=i18n.SUPPORTED)


@bp.post("/admin/canned")
@admin_required
def canned_save() -> ResponseReturnValue:
    """Add a canned reply, or change one (`id`), in one language."""
    locale = _locale_arg(request.form.get("locale"))
    title, body = _fields()
    raw_id, default = request.form.get("id", ""), request.form.get("default", "")
    row: CannedReply | None
    try:
        with current_runtime().db.session() as s:
            _materialize(s, locale)
            if raw_id or default:
                row = _row(s, locale, raw_id, default)
            else:
                row = s.scalar(select(CannedReply).where(CannedReply.locale == locale,
                                                         CannedReply.title == title))
                if row is None:
                    count = len(for_locale(s, locale))
                    row = CannedReply(locale=locale, title=title, body=body, position=count)
                    s.add(row)
            row.title, row.body = title, body
    except IntegrityError:
        abort(409, f"Another canned reply in this language is called {title!r}.")
    return redirect(url_for("console.canned", locale=locale))


@bp.post("/admin/canned/<id:reply_id>/delete")
@admin_required
def canned_delete(reply_id: int) -> ResponseReturnValue:
    """Remove a canned reply."""
    with current_runtime().db.session() as s:
        row = s.get(CannedReply, reply_id)
        if row is None:
            abort(404, "There is no such canned reply.")
        locale = row.locale
        s.delete(row)
    return redirect(url_for("console.canned", locale=locale))
