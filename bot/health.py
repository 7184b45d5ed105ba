"""Operator endpoints: liveness, readiness."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from bot.app import current_runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    rt = current_runtime()
    problems = {}
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # a readiness probe reports, it does not raise
        problems["database"] = type(exc).__name__
    try:
        rt.redis.ping()
    except Exception as exc:
        problems["redis"] = type(exc).__name__
    if problems:
        return jsonify(status="unavailable", problems=problems), 503
    return jsonify(status="ok")
