"""`souk chat`: talk to the bot from a terminal, through the real pipeline."""

from __future__ import annotations

import sys
import time
import uuid
from typing import Any

from sqlalchemy import select

from bot import inbox
from bot.config import Settings
from bot.migrate import upgrade
from bot.models import Conversation, Message
from bot.runtime import Runtime, install
from channels.base import Address, Inbound, Kind
from workers.queues import enqueue_process

DEFAULT_IDS = {"whatsapp": "+14155550100", "sms": "+14155550100", "telegram": "424242"}
REPLY_WAIT = 15.0


def shopper_address(channel: str, as_: str | None) -> Address:
    """The simulated address to chat as; ValueError for an `--as` that is no address."""
    if as_:
        inner = Address.parse(as_ if ":" in as_ else f"{channel}:{as_}")
        if inner.channel == "web":
            raise ValueError(f"--as takes a shopper's address, e.g. {channel}:"
                             f"{DEFAULT_IDS[channel]}, not {as_!r}")
    else:
        inner = Address(channel, DEFAULT_IDS[channel])
    return Address("web", str(inner))


def show(part: dict[str, Any]) -> str:
    """A rendered part as plain terminal text: body, then buttons in brackets."""
    lines = [str(part.get("body") or part.get("text") or part.get("caption") or "")]
    if part.get("content_sid"):
        lines.insert(0, f"(template {part['content_sid']} {part.get('content_variables', {})})")
    for url in part.get("media_url") or ([part["photo"]] if part.get("photo") else []):
        lines.append(f"[image] {url}")
    keyboard = (part.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = [b.get("text", "") for row in keyboard for b in row]
    if buttons:
        lines.append("  ".join(f"[{b}]" for b in buttons))
    return "\n".join(line for line in lines if line)


def chat(settings: Settings, address: Address) -> int:
    """Read lines from stdin, print the bot's replies; end with Ctrl-D."""
    upgrade(settings.database_url)
    rt = Runtime.from_settings(settings)
    install(rt)
    if settings.embedded:
        from workers.runner import start_embedded

        start_embedded(rt)
    print(f"Chatting as {address.id} on {address.style}. Ctrl-D to quit.")
    seen = _last_id(rt, address)
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            print()
            return 0
        if not line.strip():
            continue
        if not interactive:
            print(f"you> {line}")
        stored = inbox.store(rt.db, [Inbound(address, f"cli-{uuid.uuid4().hex}", Kind.TEXT,
                                             line.strip())])
        enqueue_process(rt, stored[0].conversation_id)
        seen = _print_replies(rt, address, seen)


def _last_id(rt: Runtime, address: Address) -> int:
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == str(address)))
        if conv is None:
            return 0
        last = s.scalar(select(Message.id).where(Message.conversation_id == conv.id)
                        .order_by(Message.id.desc()).limit(1))
        return last or 0


def _print_replies(rt: Runtime, address: Address, after: int) -> int:
    """Wait for the replies to the last message and print them; return the new cursor."""
    deadline = time.monotonic() + REPLY_WAIT
    while time.monotonic() < deadline:
        with rt.db.session() as s:
            conv = s.scalar(select(Conversation).where(Conversation.address == str(address)))
            assert conv is not None
            rows = s.scalars(select(Message).where(Message.conversation_id == conv.id,
                                                   Message.id > after)
                             .order_by(Message.id)).all()
            inbound_done = all(m.processed_at for m in rows if m.direction == "in")
            pending = [m for m in rows if m.direction == "out" and m.status in ("pending",
                                                                                 "sending")]
            if inbound_done and not pending:
                for m in rows:
                    if m.direction == "out" and m.status != "dropped":
                        parts = (m.parts or [{}])
                        if parts and "styles" in parts[0]:
                            parts = parts[0]["styles"].get(address.style, [])
                        for part in parts:
                            print("bot> " + show(part).replace("\n", "\n     "))
                return rows[-1].id if rows else after
        time.sleep(0.05)
    print("bot> (no answer yet: is a worker running?)")
    return after
