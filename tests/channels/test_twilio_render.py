"""How Twilio's SMS and WhatsApp adapters render channel-neutral replies."""

from __future__ import annotations

import json

import pytest

from channels.base import Channel, Option, Outgoing, Template
from channels.gsm import is_gsm7, segments
from channels.twilio_sms import TwilioSMS
from channels.twilio_whatsapp import CAPTION_MAX, TwilioWhatsApp

SID = "AC" + "0" * 32
OPTIONS = (Option("Track an order", "track"), Option("Talk to a person", "human"))
LONG = " ".join(f"Sentence {n} about your order and its delivery." for n in range(80))


@pytest.fixture
def sms() -> TwilioSMS:
    return TwilioSMS(SID, "token", "+14155550199")


@pytest.fixture
def wa() -> TwilioWhatsApp:
    return TwilioWhatsApp(SID, "token", "+14155238886")


def test_adapters_implement_the_channel_protocol(sms: TwilioSMS, wa: TwilioWhatsApp) -> None:
    assert isinstance(sms, Channel) and isinstance(wa, Channel)
    assert (sms.name, wa.name) == ("sms", "whatsapp")
    assert not sms.capabilities.images and wa.capabilities.images
    assert wa.capabilities.templates and not sms.capabilities.templates


def test_sms_options_are_numbered_lines(sms: TwilioSMS) -> None:
    parts = sms.render(Outgoing("How can I help?", OPTIONS))
    assert parts == [{"body": "How can I help?\n\n1. Track an order\n2. Talk to a person"}]


def test_sms_link_is_label_colon_url_and_image_is_omitted(sms: TwilioSMS) -> None:
    out = Outgoing(
        "Your total is $12.",
        link=("Pay here", "https://pay.example.com/p/abc"),
        image_url="https://cdn.example.com/shirt.jpg",
    )
    assert sms.render(out) == [
        {"body": "Your total is $12.\n\nPay here: https://pay.example.com/p/abc"}
    ]


def test_sms_drops_whatsapp_bold_and_keeps_gsm7(sms: TwilioSMS) -> None:
    (part,) = sms.render(
        Outgoing("*Order 1042* \u2014 it\u2019s \u201con its way\u201d\u2026 5 * 3")
    )
    assert part["body"] == 'Order 1042 - it\'s "on its way"... 5 * 3'
    assert is_gsm7(part["body"])


def test_sms_keeps_accents_that_need_ucs2(sms: TwilioSMS) -> None:
    (part,) = sms.render(Outgoing("Ação \u201cconfirmada\u201d"))
    assert part["body"] == "Ação \u201cconfirmada\u201d"


def test_sms_sends_the_text_of_a_template_reply(sms: TwilioSMS) -> None:
    out = Outgoing("Order 1042 shipped.", template=Template("HX" + "a" * 32, {"1": "1042"}))
    assert sms.render(out) == [{"body": "Order 1042 shipped."}]


def test_sms_long_text_is_split_into_parts_of_at_most_four_segments(sms: TwilioSMS) -> None:
    parts = sms.render(Outgoing(LONG, OPTIONS))
    assert len(parts) > 1
    assert all(segments(p["body"]) <= 4 for p in parts)
    assert parts[-1]["body"].endswith("2. Talk to a person")
    assert "".join("".join(p["body"].split()) for p in parts).startswith("Sentence0about")
    json.dumps(parts)  # stored in the database as JSON


def test_sms_max_segments_is_adjustable() -> None:
    one = TwilioSMS(SID, "token", "+14155550199", max_segments=1)
    assert all(segments(p["body"]) == 1 for p in one.render(Outgoing(LONG)))


def test_empty_reply_renders_nothing(sms: TwilioSMS, wa: TwilioWhatsApp) -> None:
    assert sms.render(Outgoing("")) == []
    assert wa.render(Outgoing("  ")) == []


def test_whatsapp_keeps_bold_and_numbers_options(wa: TwilioWhatsApp) -> None:
    (part,) = wa.render(Outgoing("*Menu*", OPTIONS, as_list=True))
    assert part == {"body": "*Menu*\n\n1. Track an order\n2. Talk to a person"}


def test_whatsapp_buttons_flag_still_renders_numbered_options() -> None:
    wa = TwilioWhatsApp(SID, "token", "+14155238886", whatsapp_buttons=True)
    (part,) = wa.render(Outgoing("Pick one", OPTIONS[:2]))
    assert part["body"].endswith("1. Track an order\n2. Talk to a person")
    assert wa.capabilities.buttons == 0


def test_whatsapp_image_is_media_on_the_same_part(wa: TwilioWhatsApp) -> None:
    out = Outgoing(
        "Blue shirt, $12",
        image_url="https://cdn.example.com/s.jpg",
        link=("Buy", "https://s.example/b"),
    )
    assert wa.render(out) == [
        {
            "body": "Blue shirt, $12\n\nBuy: https://s.example/b",
            "media_url": ["https://cdn.example.com/s.jpg"],
        }
    ]


def test_whatsapp_image_alone(wa: TwilioWhatsApp) -> None:
    assert wa.render(Outgoing("", image_url="https://cdn.example.com/s.jpg")) == [
        {"media_url": ["https://cdn.example.com/s.jpg"]}
    ]


def test_whatsapp_image_goes_first_when_the_text_is_too_long_for_a_caption(
    wa: TwilioWhatsApp,
) -> None:
    text = "x " * CAPTION_MAX
    parts = wa.render(Outgoing(text, image_url="https://cdn.example.com/s.jpg"))
    assert parts[0] == {"media_url": ["https://cdn.example.com/s.jpg"]}
    assert parts[1]["body"].startswith("x x")


def test_whatsapp_link_already_in_the_text_is_not_repeated(wa: TwilioWhatsApp) -> None:
    url = "https://pay.example.com/p/abc"
    (part,) = wa.render(Outgoing(f"Pay at {url}", link=("Pay", url)))
    assert part["body"] == f"Pay at {url}"


def test_whatsapp_template_is_content_sid_and_variables_without_body(wa: TwilioWhatsApp) -> None:
    template = Template("HX" + "b" * 32, {"1": "Ana", "2": "#1042"})
    out = Outgoing("Hi Ana, order #1042 shipped", OPTIONS, template=template)
    assert wa.render(out) == [
        {"content_sid": "HX" + "b" * 32, "content_variables": {"1": "Ana", "2": "#1042"}}
    ]
    assert wa.render(Outgoing("", template=Template("HX" + "c" * 32))) == [
        {"content_sid": "HX" + "c" * 32}
    ]


def test_whatsapp_long_text_is_split_at_1600_characters(wa: TwilioWhatsApp) -> None:
    text = "\n\n".join([LONG] * 3)
    parts = wa.render(Outgoing(text))
    assert len(parts) > 1
    assert all(len(p["body"]) <= 1600 for p in parts)
    assert "".join("".join(p["body"].split()) for p in parts) == "".join(text.split())
