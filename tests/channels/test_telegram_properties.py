"""Property tests: whatever arrives at the Telegram webhook, parse answers with a list
of messages or MalformedPayload, never another exception; rendering respects the limits."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import MalformedPayload
from channels.base import HttpRequest, Inbound, Option, Outgoing
from channels.telegram import TelegramChannel

FIXTURES = Path(__file__).parent.parent / "fixtures" / "telegram"
CHANNEL = TelegramChannel("123456:TEST-fake-token", "secret")
HEADERS = {"content-type": "application/json", "x-telegram-bot-api-secret-token": "secret"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def parse_or_refuse(body: bytes) -> list[Inbound] | None:
    """Parse `body`; None when refused as malformed. Any other exception fails the test."""
    try:
        messages = CHANNEL.parse(HttpRequest("POST", "https://x/webhooks/telegram", HEADERS, body))
    except MalformedPayload:
        return None
    assert isinstance(messages, list)
    assert all(isinstance(m, Inbound) for m in messages)
    return messages


@given(json_values)
def test_any_json_is_parsed_or_refused(value: Any) -> None:
    parse_or_refuse(json.dumps(value).encode())


@given(st.binary(max_size=200))
def test_any_bytes_are_parsed_or_refused(body: bytes) -> None:
    parse_or_refuse(body)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a JSON document."""
    found = [prefix] if prefix else []
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return found
    for key, child in items:
        found += _paths(child, (*prefix, key))
    return found


FIXTURE_DOCS = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_recorded_updates_with_any_field_replaced_are_parsed_or_refused(data: Any) -> None:
    # Random JSON rarely looks like an Update; corrupting real ones reaches deep fields.
    document = json.loads(json.dumps(data.draw(st.sampled_from(FIXTURE_DOCS))))
    path = data.draw(st.sampled_from(_paths(document)))
    *parents, last = path
    target = document
    for key in parents:
        target = target[key]
    target[last] = data.draw(json_values)
    parse_or_refuse(json.dumps(document).encode())


labels = st.text(min_size=1, max_size=40).filter(str.strip)
payloads = st.text(min_size=1, max_size=64).filter(lambda p: len(p.encode()) <= 64)


@given(
    st.text(max_size=9000),
    st.lists(st.builds(Option, labels, payloads), max_size=12),
    st.booleans(),
)
def test_rendered_parts_fit_telegram_limits(text: str, options: list[Option], image: bool) -> None:
    out = Outgoing(text, options=tuple(options), image_url="https://c/i.jpg" if image else None)
    try:
        parts = CHANNEL.render(out)
    except ValueError:
        assert options and not text.strip() and not image
        return
    for part in parts:
        body = part.get("text", part.get("caption", ""))
        limit = 4096 if part["method"] == "sendMessage" else 1024
        assert len(body.encode("utf-16-le")) // 2 <= limit
        for row in part.get("reply_markup", {}).get("inline_keyboard", []):
            assert 1 <= len(row) <= 8
    # Nothing lost but whitespace at the cuts (a word longer than a part is cut inside).
    rendered = "".join(p.get("text", p.get("caption", "")) for p in parts)
    assert "".join(rendered.split()) == "".join(text.split())
