"""Telegram adapter: verify the secret, parse recorded updates, render replies (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import BadSignature, MalformedPayload, NotConfigured
from channels.base import Address, Channel, HttpRequest, Kind, Option, Outgoing
from channels.telegram import TelegramChannel, ack_part
from channels.telegram_render import split_text
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


# -- render ------------------------------------------------------------------------------


def buttons(part: dict[str, Any]) -> list[list[str]]:
    return [[b["text"] for b in row] for row in part["reply_markup"]["inline_keyboard"]]


def test_short_options_share_rows_and_long_ones_stand_alone(channel: TelegramChannel) -> None:
    short = tuple(Option(label, label.lower()) for label in ("Yes", "No", "Maybe", "Later"))
    [part] = channel.render(Outgoing("Confirm?", options=short))
    assert buttons(part) == [["Yes", "No"], ["Maybe", "Later"]]
    three = channel.render(Outgoing("Size?", options=short[:3]))[0]
    assert buttons(three) == [["Yes", "No", "Maybe"]]
    long = (Option("Track my order #1234", "track:1234"), Option("Talk to a person", "human"))
    assert buttons(channel.render(Outgoing("Hi", options=long))[0]) == [
        ["Track my order #1234"],
        ["Talk to a person"],
    ]
    listed = channel.render(Outgoing("Pick", options=short, as_list=True))[0]
    assert buttons(listed) == [["Yes"], ["No"], ["Maybe"], ["Later"]]


def test_the_callback_data_is_the_payload(channel: TelegramChannel) -> None:
    [part] = channel.render(Outgoing("Your orders:", options=(Option("Track", "track:1234"),)))
    assert part == {
        "method": "sendMessage",
        "text": "Your orders:",
        "reply_markup": {"inline_keyboard": [[{"text": "Track", "callback_data": "track:1234"}]]},
    }


@pytest.mark.parametrize("payload", ["x" * 65, "é" * 33, ""])
def test_callback_data_over_64_bytes_is_refused(channel: TelegramChannel, payload: str) -> None:
    with pytest.raises(ValueError, match="callback_data"):
        channel.render(Outgoing("Pick", options=(Option("A", payload),)))


def test_callback_data_of_exactly_64_bytes_is_kept(channel: TelegramChannel) -> None:
    [part] = channel.render(Outgoing("Pick", options=(Option("A", "é" * 32),)))
    assert part["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "é" * 32


def test_long_text_is_split_at_paragraphs_with_the_keyboard_last(
    channel: TelegramChannel,
) -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 300 for n in range(6)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    out = Outgoing(text, options=(Option("More", "more"),))
    parts = channel.render(out)
    assert len(parts) > 1
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert all(p["text"].startswith("Paragraph") for p in parts)
    assert [("reply_markup" in p) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert " ".join(p["text"] for p in parts).split() == text.split()


def test_split_text_counts_emoji_as_telegram_does() -> None:
    chunks = split_text("🛍" * 5000, limit=4096)
    assert [len(c) for c in chunks] == [2048, 2048, 904]
    assert split_text("   ") == []
    assert split_text("One. Two. Three.", limit=10) == ["One. Two.", "Three."]


def test_an_image_carries_a_short_text_as_caption(channel: TelegramChannel) -> None:
    out = Outgoing("Blue shirt, R$ 49,90", image_url="https://cdn.example.com/s.jpg")
    out_with_button = Outgoing(
        out.text, options=(Option("Add", "add:s1"),), image_url=out.image_url
    )
    assert channel.render(out) == [
        {
            "method": "sendPhoto",
            "photo": "https://cdn.example.com/s.jpg",
            "caption": "Blue shirt, R$ 49,90",
        }
    ]
    assert "reply_markup" in channel.render(out_with_button)[0]


def test_an_image_with_a_long_text_is_followed_by_the_text(channel: TelegramChannel) -> None:
    out = Outgoing("x" * 1500, options=(Option("Add", "add:s1"),), image_url="https://c/s.jpg")
    photo, text = channel.render(out)
    assert photo == {"method": "sendPhoto", "photo": "https://c/s.jpg"}
    assert text["text"] == "x" * 1500 and "reply_markup" in text


def test_an_https_link_is_a_url_button(channel: TelegramChannel) -> None:
    out = Outgoing("Your total is R$ 99,80.", link=("Pay now", "https://pay.example.com/c/1"))
    [part] = channel.render(out)
    assert part["text"] == "Your total is R$ 99,80."
    assert part["reply_markup"]["inline_keyboard"] == [
        [{"text": "Pay now", "url": "https://pay.example.com/c/1"}]
    ]


def test_a_plain_http_link_goes_in_the_text(channel: TelegramChannel) -> None:
    out = Outgoing("Your total is R$ 99,80.", link=("Pay now", "http://127.0.0.1:8000/pay/t"))
    [part] = channel.render(out)
    assert part == {
        "method": "sendMessage",
        "text": "Your total is R$ 99,80.\n\nPay now: http://127.0.0.1:8000/pay/t",
    }


def test_buttons_need_something_to_hang_from(channel: TelegramChannel) -> None:
    with pytest.raises(ValueError):
        channel.render(Outgoing("  ", options=(Option("A", "a"),)))
    assert channel.render(Outgoing("")) == []
