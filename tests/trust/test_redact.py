"""Log lines never show phone numbers, chat ids, card numbers or secrets, at any level."""

from __future__ import annotations

import io
import logging

import pytest

from bot.redact import RedactingFilter, install, mask_number, redact

TOKEN = "fake_auth_token_0123456789abcdef"


@pytest.mark.parametrize(("text", "hidden", "shown"), [
    ("to=whatsapp:+5511987654321 failed", "+5511987654321", "+55*******4321"),
    ("Invalid 'To' Phone Number: +14155550123", "+14155550123", "+14*****0123"),
    ("WaId=5511987654321", "5511987654321", "*********4321"),
    ("GET /simulator/api/messages?address=sms:%2B14155550123&after=3", "14155550123",
     "sms:+14*****0123&after=3"),
    ("chat telegram:123456789 blocked us", "123456789", "telegram:*****6789"),
    ("card 4242 4242 4242 4242 declined", "4242 4242 4242 4242", "[card]"),
    ("card 4000-0566-5566-5556", "4000-0566-5566-5556", "[card]"),
    ("GET https://api.telegram.org/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
     "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "bot[secret]/getMe"),
    ("key sk_live_51H8x0123456789abcdef used", "sk_live_51H8x0123456789abcdef", "[secret]"),
    ("secret whsec_abcdefghijklmnop", "whsec_abcdefghijklmnop", "[secret]"),
    (f"auth {TOKEN}", TOKEN, "[secret]"),
])
def test_redact_hides_what_identifies_or_unlocks(text: str, hidden: str, shown: str) -> None:
    out = redact(text, [TOKEN])
    assert hidden not in out and shown in out


@pytest.mark.parametrize("text", [
    "processed conversation=12 message=345 replies=2",
    "order 1042 shipped with tracking BR123456789",
    "retry in=2.5s attempt=3",
    "sent message=SM0123456789abcdef0123456789abcdef",
    "an order number 1234567890123 that fails Luhn stays",  # 13 digits, not a card
])
def test_redact_leaves_ordinary_lines_readable(text: str) -> None:
    if "Luhn" in text:
        assert "[card]" not in redact(text)
    else:
        assert redact(text) == text


def test_mask_number_keeps_the_country_and_last_four() -> None:
    assert mask_number("+5511987654321") == "+55*******4321"
    assert redact("to +2348012345678") == "to +23*******5678"
    assert mask_number("1234") == "****"


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.ERROR])
def test_the_filter_masks_messages_arguments_and_tracebacks(level: int) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    install(handler, [TOKEN])
    logger = logging.getLogger("tests.redact")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        logger.log(level, "sending to %s with %s", "+5511987654321", TOKEN)
        try:
            raise ValueError("card 4242424242424242 for +14155550123")
        except ValueError:
            logger.log(level, "failed", exc_info=True)
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    for leaked in ("+5511987654321", TOKEN, "4242424242424242", "+14155550123"):
        assert leaked not in out
    assert "+55*******4321" in out and "ValueError" in out and "[card]" in out


def test_installing_twice_keeps_one_filter() -> None:
    handler = logging.StreamHandler(io.StringIO())
    install(handler)
    install(handler, [TOKEN])
    filters = [f for f in handler.filters if isinstance(f, RedactingFilter)]
    assert len(filters) == 1 and filters[0].secrets == (TOKEN,)


def test_short_secrets_are_not_used_to_mask_words() -> None:
    assert RedactingFilter(["abc", "", TOKEN]).secrets == (TOKEN,)
