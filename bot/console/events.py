"""The console's live stream: `GET /console/events`, server-sent events (bot/console/live.py).

A page viewing a conversation names it (`?conversation=<id>`) so the others see who
is viewing. Opening a stream also hands waiting conversations nobody has yet to the
agents now online, in turn.
"""

from __future__ import annotations

from flask import Response, abort, request, stream_with_context

from bot.app import current_runtime
from bot.console import bp, live
from bot.console.auth import me
from bot.console.takeover import assign_waiting


@bp.get("/events")
def events() -> Response:
    """Server-sent events for one console page."""
    raw = request.args.get("conversation", "")
    if raw and not raw.isdigit():
        abort(400, "conversation must be a conversation id.")
    conversation_id = int(raw) if raw else None
    rt = current_runtime()
    agent_id = me().id

    def assign() -> None:
        with rt.db.session() as s:
            assign_waiting(s, rt)

    response = Response(stream_with_context(live.stream(rt, agent_id, conversation_id,
                                                        on_connect=assign)),
                        mimetype="text/event-stream")
    response.headers["X-Accel-Buffering"] = "no"  # nginx would hold events back
    return response
