"""Right-to-left replies read correctly where phones lay them out with UAX #9.

`visual()` runs the Unicode bidirectional algorithm (python-bidi, the Rust
`unicode-bidi` crate) and returns the line as it appears on screen, left to right, with
the invisible controls removed: what a shopper sees, to compare with what they should.
"""

from __future__ import annotations

import pytest
from bidi import get_display

from channels import bidi, telegram_render
from channels.base import Option, Outgoing
from channels.twilio_sms import TwilioSMS
from channels.twilio_whatsapp import TwilioWhatsApp

CONTROLS = str.maketrans(dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069")))


def visual(line: str) -> str:
    """The line as a phone shows it, left to right on the screen."""
    return str(get_display(line)).translate(CONTROLS)


ARABIC_ORDER = "رقم طلبك"  # "your order number"


def test_an_unisolated_code_is_torn_apart_in_arabic() -> None:
    # The failure the isolates prevent: the check below would catch it.
    assert "#1042-A" not in visual(f"{ARABIC_ORDER} #1042-A.")


def test_an_isolated_code_stays_whole_in_arabic() -> None:
    shown = visual(f"{ARABIC_ORDER} {bidi.isolate('#1042-A')}.")
    assert "#1042-A" in shown
    # Read right to left: the words come first (on the right), then the code.
    assert shown.endswith(visual(ARABIC_ORDER))


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Hello", "L"),
        ("مرحبا", "R"),
        ("1042 مرحبا", "R"),
        ("1042", None),
        ("", None),
        ("\u2068Souk Demo Shop\u2069: مرحبا", "R"),  # isolates are skipped (UAX #9 P2)
        ("\u200f1. English", "R"),
        ("中文", "L"),
    ],
)
def test_first_strong_reads_direction_as_uax9_does(text: str, direction: str | None) -> None:
    assert bidi.first_strong(text) == direction


def test_isolate_wraps_once_and_repairs_stray_controls() -> None:
    assert bidi.isolate("iPhone 15") == "\u2068iPhone 15\u2069"
    assert bidi.isolate(bidi.isolate("iPhone 15")) == "\u2068iPhone 15\u2069"
    assert bidi.isolate("") == ""
    # A stray PDI would end our isolate early, an unclosed FSI would swallow the rest.
    assert bidi.isolate("a\u2069b\u2068c") == "\u2068abc\u2069"
    assert bidi.isolate("line 1\nline 2") == "\u2068line 1\u2069\n\u2068line 2\u2069"


def test_rtl_lines_mark_only_the_lines_that_need_it() -> None:
    text = "مرحبا\n1. English\n\n\u2068Souk\u2069: مرحبا"
    assert bidi.rtl_lines(text) == "مرحبا\n\u200f1. English\n\n\u200f\u2068Souk\u2069: مرحبا"
    assert bidi.rtl_lines(bidi.rtl_lines(text)) == bidi.rtl_lines(text)


def test_an_option_line_keeps_its_number_on_the_right_in_arabic() -> None:
    assert bidi.option_line(1, "Shop", rtl=False) == "1. Shop"
    # Without the mark and the isolate, a Latin label flips the line left to right.
    assert visual("1. English") == "1. English"
    assert visual(bidi.option_line(1, "English", rtl=True)) == "English .1"
    assert visual(bidi.option_line(3, "العربية", rtl=True)) == visual("العربية") + " .3"


ARABIC_REPLY = Outgoing(
    text=bidi.rtl_lines("ما اللغة المفضلة لديك؟"),
    options=(Option("English", "lang:en"), Option("العربية", "lang:ar"),
             Option("iPhone 15 Pro", "p:1")),
)


@pytest.mark.parametrize("channel", [TwilioWhatsApp("", ""), TwilioSMS("", "")])
def test_whatsapp_and_sms_number_arabic_options_right_to_left(channel: object) -> None:
    [part] = channel.render(ARABIC_REPLY)  # type: ignore[attr-defined]
    lines = part["body"].split("\n")
    assert lines[0] == ARABIC_REPLY.text
    options = lines[2:]
    assert [visual(line) for line in options] == [
        "English .1",
        visual("العربية") + " .2",
        "iPhone 15 Pro .3",
    ]


def test_left_to_right_replies_are_numbered_as_before() -> None:
    out = Outgoing("How can I help?", options=(Option("Shop", "shop"), Option("العربية", "a")))
    [part] = TwilioSMS("", "").render(out)
    assert part["body"] == "How can I help?\n\n1. Shop\n2. العربية"


def test_telegram_keeps_the_marks_in_the_text_and_labels_plain() -> None:
    [part] = telegram_render.render(ARABIC_REPLY)
    assert part["text"] == ARABIC_REPLY.text
    labels = [b["text"] for row in part["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["English", "العربية", "iPhone 15 Pro"]
