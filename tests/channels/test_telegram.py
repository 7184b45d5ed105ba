"""Telegram adapter: verify the webhook secret and parse recorded updates (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import BadSignature, MalformedPayload, NotConfigured
from channels.base import Address, Channel, HttpRequest, Kind
from channels.telegram import TelegramChannel, ack_part
from tests.fakes.telegram import telegram_headers

FIXTURES = Path(__file__).parent.parent / "fixtures" / "telegram"
SECRET = "webhook-secret_0123"
TOKEN = "123456:TEST-fake-token"
ANA = Address("telegram", "42")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def webhook(body: bytes | dict[str, Any], headers: dict[str, str] | None = None) -> HttpRequest:
    """A Telegram webhook POST as the Flask blueprint hands it to the adapter."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    given = telegram_headers(SECRET) if headers is None else headers
    return HttpRequest(
        method="POST",
        url="https://bot.example.com/webhooks/telegram",
        headers={k.lower(): v for k, v in given.items()},
        body=raw,
    )


@pytest.fixture
def channel() -> TelegramChannel:
    return TelegramChannel(TOKEN, SECRET, api_base="http://127.0.0.1:9")


def test_the_adapter_satisfies_the_channel_protocol(channel: TelegramChannel) -> None:
    assert isinstance(channel, Channel)
    assert TOKEN not in repr(channel)


# -- verify ------------------------------------------------------------------------------


def test_the_right_secret_is_accepted(channel: TelegramChannel) -> None:
    channel.verify(webhook(load("text")))


@pytest.mark.parametrize("secret", ["wrong", SECRET + "x", SECRET[:-1], "ñandú-secret", ""])
def test_a_wrong_secret_is_refused(channel: TelegramChannel, secret: str) -> None:
    with pytest.raises(BadSignature):
        channel.verify(webhook(load("text"), telegram_headers(secret)))


def test_a_missing_secret_is_refused(channel: TelegramChannel) -> None:
    with pytest.raises(BadSignature):
        channel.verify(webhook(load("text"), telegram_headers(None)))


@pytest.mark.parametrize(("token", "secret"), [(TOKEN, None), (TOKEN, ""), ("", SECRET)])
def test_without_credentials_nothing_is_verified(token: str, secret: str | None) -> None:
    with pytest.raises(NotConfigured):
        TelegramChannel(token, secret).verify(webhook(load("text")))


# -- parse -------------------------------------------------------------------------------


def test_a_text_message(channel: TelegramChannel) -> None:
    [msg] = channel.parse(webhook(load("text")))
    assert (msg.address, msg.provider_id, msg.kind) == (ANA, "100000001", Kind.TEXT)
    assert (msg.text, msg.payload) == ("Where is my order?", None)
    assert (msg.name, msg.language_hint) == ("Ana", "pt-br")
    assert msg.raw == load("text")


def test_a_start_deep_link_keeps_the_text_and_carries_the_payload(
    channel: TelegramChannel,
) -> None:
    [msg] = channel.parse(webhook(load("start_deep_link")))
    assert (msg.kind, msg.text, msg.payload) == (Kind.TEXT, "/start ord_1234", "ord_1234")
    assert msg.language_hint == "es"


@pytest.mark.parametrize(
    ("text", "payload"),
    [("/start", None), ("/start@shop_bot ord_9", "ord_9"), ("/help", None), ("start x", None)],
)
def test_only_start_commands_carry_a_payload(
    channel: TelegramChannel, text: str, payload: str | None
) -> None:
    update = load("text")
    update["message"]["text"] = text
    [msg] = channel.parse(webhook(update))
    assert (msg.text, msg.payload) == (text, payload)


def test_a_button_press_carries_its_data_and_can_be_answered(channel: TelegramChannel) -> None:
    [msg] = channel.parse(webhook(load("callback_query")))
    assert (msg.address, msg.kind, msg.provider_id) == (ANA, Kind.BUTTON, "100000003")
    assert (msg.payload, msg.text) == ("track:1234", "Track #1234")
    assert ack_part(msg) == {
        "method": "answerCallbackQuery",
        "callback_query_id": "4382bfdwdsb323b2d9",
    }
    assert channel.ack_part(msg, "Tracking…") == {
        "method": "answerCallbackQuery",
        "callback_query_id": "4382bfdwdsb323b2d9",
        "text": "Tracking…",
    }


def test_only_button_presses_are_answered(channel: TelegramChannel) -> None:
    [msg] = channel.parse(webhook(load("text")))
    assert ack_part(msg) is None


@pytest.mark.parametrize(
    ("phone", "e164"),
    [("5511999990000", "+5511999990000"), ("+55 11 99999-0000", "+5511999990000"), ("12", None)],
)
def test_a_shared_contact_is_normalised_to_e164(
    channel: TelegramChannel, phone: str, e164: str | None
) -> None:
    update = load("contact")
    update["message"]["contact"]["phone_number"] = phone
    [msg] = channel.parse(webhook(update))
    assert (msg.kind, msg.contact_phone, msg.address) == (Kind.CONTACT, e164, ANA)


def test_a_location(channel: TelegramChannel) -> None:
    [msg] = channel.parse(webhook(load("location")))
    assert (msg.kind, msg.location) == (Kind.LOCATION, (-23.5505, -46.6333))


def test_a_photo_gives_the_largest_size_and_the_caption(channel: TelegramChannel) -> None:
    [msg] = channel.parse(webhook(load("photo")))
    assert msg.kind is Kind.MEDIA
    assert msg.media == (("tg-file:AgACAgEAAxkBAAMPZ1large", "image/jpeg"),)
    assert msg.text == "This arrived broken"


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("document", ("tg-file:BQACAgEAAxkBAAMQZ1receipt", "application/pdf")),
        ("voice", ("tg-file:AwACAgEAAxkBAAMRZ1voice", "audio/ogg")),
    ],
)
def test_other_media(channel: TelegramChannel, name: str, media: tuple[str, str]) -> None:
    [msg] = channel.parse(webhook(load(name)))
    assert (msg.kind, msg.media, msg.text) == (Kind.MEDIA, (media,), "")


def test_a_sticker_is_media(channel: TelegramChannel) -> None:
    update = load("text")
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "CAACAgIAAxkBAAMSsticker",
        "file_unique_id": "AgADsticker",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    [msg] = channel.parse(webhook(update))
    assert msg.media == (("tg-file:CAACAgIAAxkBAAMSsticker", "image/webp"),)


@pytest.mark.parametrize("name", ["edited_message", "my_chat_member", "group_message"])
def test_update_kinds_souk_does_not_handle_give_no_messages(
    channel: TelegramChannel, name: str
) -> None:
    assert channel.parse(webhook(load(name))) == []


def test_a_button_pressed_in_a_group_is_ignored(channel: TelegramChannel) -> None:
    update = load("callback_query")
    update["callback_query"]["message"]["chat"] = {"id": -100123, "type": "supergroup"}
    assert channel.parse(webhook(update)) == []


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"]
)
def test_only_json_bodies_are_read(channel: TelegramChannel, content_type: str | None) -> None:
    headers = telegram_headers(SECRET)
    del headers["content-type"]
    if content_type:
        headers["content-type"] = content_type
    with pytest.raises(MalformedPayload):
        channel.parse(webhook(load("text"), headers))


def test_json_with_a_charset_is_read(channel: TelegramChannel) -> None:
    headers = telegram_headers(SECRET) | {"content-type": "Application/JSON; charset=utf-8"}
    assert len(channel.parse(webhook(load("text"), headers))) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'"update"',
        b'{"hello": "world"}',
        b'{"update_id": "100000001"}',
        b'{"update_id": true}',
        b'{"update_id": 1, "message": "hello"}',
        b'{"update_id": 1, "message": {"text": "no chat, no date"}}',
        b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "text": 5,'
        b' "chat": {"id": 42, "type": "private"}}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_body_that_is_not_an_update_is_malformed(channel: TelegramChannel, body: bytes) -> None:
    with pytest.raises(MalformedPayload):
        channel.parse(webhook(body))


def test_an_update_without_a_message_is_acknowledged() -> None:
    channel = TelegramChannel(TOKEN, SECRET)
    assert channel.parse(webhook({"update_id": 7, "poll": None})) == []
