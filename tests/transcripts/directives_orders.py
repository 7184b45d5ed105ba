"""Transcript steps for orders after the sale: the merchant's API calls, time passing.

    ! quiet-hours off                    this conversation is not about quiet hours
    ! order 1042 [consent=yes|no] [for=ADDRESS] [expected=2026-12-12] [total=199.90]
                                         POST /api/v1/orders for the shopper (or ADDRESS)
    ! event 1042 shipped [at=ISO] [carrier=..] [tracking=..] [url=..] [note="..."]
                                         POST /api/v1/orders/1042/events
    ! silence 25h                        the shopper last wrote 25 hours ago
    ! no-template exception               the shop file loses that kind's template

Arguments are shell words, so a note with spaces is quoted. A call the API refuses
fails the transcript: these steps stand for a merchant's system that works.
"""

from __future__ import annotations

import dataclasses
import shlex
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.api.keys import create_key
from bot.models import Conversation
from tests.transcripts.replay import Replay, directive


def _address(replay: Replay) -> str:
    channel, sender = replay.transcript.channel, replay.transcript.sender
    return f"{channel}:{sender}"


def _key(replay: Replay) -> str:
    key: str | None = getattr(replay, "api_key", None)
    if key is None:
        key = create_key(replay.rt.db, "transcripts", ["orders", "messages"])
        replay.api_key = key  # type: ignore[attr-defined]
    return key


def _options(args: str) -> tuple[list[str], dict[str, str]]:
    words, options = [], {}
    for word in shlex.split(args):
        name, sep, value = word.partition("=")
        if sep:
            options[name] = value
        else:
            words.append(word)
    return words, options


def _post(replay: Replay, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = replay.client.post(path, json=body,
                                  headers={"Authorization": f"Bearer {_key(replay)}"})
    assert response.status_code in (200, 201, 202), response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


@directive("quiet-hours")
def quiet_hours(replay: Replay, args: str) -> None:
    """`! quiet-hours off`: the shop has no quiet hours."""
    assert args.strip() == "off", "only `! quiet-hours off` is known"
    replay.rt.shop = dataclasses.replace(replay.rt.shop, quiet_start=None, quiet_end=None)


@directive("order")
def order(replay: Replay, args: str) -> None:
    """`! order NUMBER ...`: the merchant creates an order for the shopper."""
    words, options = _options(args)
    body: dict[str, Any] = {
        "number": words[0],
        "to": options.get("for", _address(replay)),
        "currency": options.get("currency", "USD"),
        "items": [{"sku": "TENT-2P", "title": "Trail tent, 2 people", "quantity": 1,
                   "unit_price": options.get("total", "189.00")}],
    }
    if "consent" in options:
        body["consent"] = {"order_updates": options["consent"] == "yes"}
    if "expected" in options:
        body["expected_delivery"] = options["expected"]
    _post(replay, "/api/v1/orders", body)


@directive("event")
def event(replay: Replay, args: str) -> None:
    """`! event NUMBER KIND ...`: the merchant reports what happened to it."""
    words, options = _options(args)
    number, kind = words
    names = {"at": "occurred_at", "tracking": "tracking_number", "url": "tracking_url",
             "carrier": "carrier", "note": "note", "expected": "expected_delivery"}
    body = {"kind": kind, **{names[k]: v for k, v in options.items()}}
    _post(replay, f"/api/v1/orders/{number}/events", body)


@directive("silence")
def silence(replay: Replay, args: str) -> None:
    """`! silence 25h`: the shopper last wrote that long ago."""
    hours = int(args.strip().removesuffix("h"))
    with replay.rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == _address(replay)))
        assert conv is not None and conv.last_inbound_at is not None
        conv.last_inbound_at -= timedelta(hours=hours)


@directive("no-template")
def no_template(replay: Replay, args: str) -> None:
    """`! no-template KIND`: the shop file has no template for that kind."""
    kind = args.strip()
    templates = {k: v for k, v in replay.rt.shop.templates.items() if k != kind}
    replay.rt.shop = dataclasses.replace(replay.rt.shop, templates=templates)
