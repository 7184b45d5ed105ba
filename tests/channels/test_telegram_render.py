"""Telegram adapter: replies rendered as Bot API calls within Telegram's limits."""

from __future__ import annotations

from typing import Any

import pytest

from channels.base import Option, Outgoing
from channels.telegram import TelegramChannel
from channels.telegram_render import split_text


@pytest.fixture
def channel() -> TelegramChannel:
    return TelegramChannel("123456:TEST-fake-token", "secret")


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
