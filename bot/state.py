"""The hot state of a conversation, in Redis with a TTL (DESIGN.md, "Conversation state")."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

import flows


@dataclass(slots=True)
class HotState:
    """Where a conversation is in the flows. Losing it costs a shopper their place only."""

    state: str = flows.START
    locale: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    misses: int = 0
    turn: int = 0
    options: list[list[str]] = field(default_factory=list)  # [label, payload] last shown

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> HotState:
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            state = str(data.get("state", flows.START))
            return cls(
                state=state if state in flows.STATES else flows.START,
                locale=data.get("locale"),
                slots=dict(data.get("slots") or {}),
                misses=int(data.get("misses", 0)),
                turn=int(data.get("turn", 0)),
                options=[list(map(str, o))[:2] for o in data.get("options") or []],
            )
        except (ValueError, TypeError, AttributeError):
            # A state we cannot read is a state we start again from, not a crash.
            return cls()


class StateStore:
    """Load and save hot states; one key per conversation, refreshed on every save."""

    def __init__(self, conn: redis.Redis, ttl: int) -> None:
        self.conn = conn
        self.ttl = ttl

    @staticmethod
    def key(conversation_id: int) -> str:
        return f"souk:state:{conversation_id}"

    def load(self, conversation_id: int) -> HotState:
        return HotState.from_json(self.conn.get(self.key(conversation_id)))

    def save(self, conversation_id: int, hot: HotState) -> None:
        self.conn.set(self.key(conversation_id), hot.to_json(), ex=self.ttl)

    def delete(self, conversation_id: int) -> None:
        self.conn.delete(self.key(conversation_id))
