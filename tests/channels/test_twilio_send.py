"""Sending through the real twilio-python SDK to the fake Twilio server, errors mapped."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest

from bot.errors import PermanentError, RetryableError
from channels.base import Address, SendResult
from channels.twilio_common import retry_after_seconds
from channels.twilio_sms import TwilioSMS
from channels.twilio_whatsapp import TwilioWhatsApp
from tests.fakes._twilio_http import check_message
from tests.fakes.twilio import FakeTwilio

SHOPPER_SMS = Address.parse("sms:+14155550100")
SHOPPER_WA = Address.parse("whatsapp:+5511999990000")
BASE = "https://bot.example.com"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeTwilio) -> Iterator[FakeTwilio]:
    server.reset()
    yield server
    server.reset()


def sms(fake: FakeTwilio, **kwargs: Any) -> TwilioSMS:
    options: dict[str, Any] = {"api_base": fake.base_url, "public_base_url": BASE}
    return TwilioSMS(fake.account_sid, fake.auth_token, "+14155550199", **(options | kwargs))


def whatsapp(fake: FakeTwilio, **kwargs: Any) -> TwilioWhatsApp:
    options: dict[str, Any] = {"api_base": fake.base_url, "public_base_url": BASE}
    return TwilioWhatsApp(fake.account_sid, fake.auth_token, "+14155238886", **(options | kwargs))


def test_sms_send_posts_to_from_body_and_status_callback(fake: FakeTwilio) -> None:
    result = sms(fake).send(SHOPPER_SMS, {"body": "Your order shipped."})
    assert isinstance(result, SendResult)
    assert result.provider_id.startswith("SM") and len(result.provider_id) == 34
    assert result.status == "queued"
    (message,) = fake.messages
    assert message.sid == result.provider_id
    assert (message.to, message.from_, message.body) == (
        "+14155550100",
        "+14155550199",
        "Your order shipped.",
    )
    assert message.get("StatusCallback") == "https://bot.example.com/webhooks/twilio/status"


def test_whatsapp_send_prefixes_addresses_and_carries_media(fake: FakeTwilio) -> None:
    part = {"body": "Blue shirt", "media_url": ["https://cdn.example.com/s.jpg"]}
    whatsapp(fake).send(SHOPPER_WA, part)
    (message,) = fake.messages
    assert message.to == "whatsapp:+5511999990000"
    assert message.from_ == "whatsapp:+14155238886"
    assert message.media_urls == ["https://cdn.example.com/s.jpg"]


def test_template_send_carries_content_sid_and_json_variables(fake: FakeTwilio) -> None:
    sid = "HX" + "b" * 32
    part = {"content_sid": sid, "content_variables": {"1": "Ana", "2": "#1042 ação"}}
    whatsapp(fake).send(SHOPPER_WA, part)
    (message,) = fake.messages
    assert message.get("ContentSid") == sid
    assert message.content_variables == {"1": "Ana", "2": "#1042 ação"}
    assert message.body is None


def test_messaging_service_replaces_from(fake: FakeTwilio) -> None:
    service = "MG" + "0" * 32
    result = sms(fake, messaging_service_sid=service).send(SHOPPER_SMS, {"body": "hi"})
    (message,) = fake.messages
    assert message.get("MessagingServiceSid") == service and message.from_ is None
    assert result.status == "accepted"


def test_no_public_url_means_no_status_callback(fake: FakeTwilio) -> None:
    sms(fake, public_base_url=None).send(SHOPPER_SMS, {"body": "hi"})
    assert fake.messages[0].get("StatusCallback") is None


def test_429_with_retry_after_is_retryable_and_carries_the_wait(fake: FakeTwilio) -> None:
    fake.fail_next(status=429, code=20429, retry_after=2)
    channel = sms(fake)
    with pytest.raises(RetryableError) as caught:
        channel.send(SHOPPER_SMS, {"body": "hi"})
    assert caught.value.retry_after == 2.0
    assert caught.value.code == "20429"
    assert fake.messages == []
    channel.send(SHOPPER_SMS, {"body": "hi"})  # the rule was for one request only
    assert len(fake.messages) == 1


def test_retry_after_is_not_leaked_to_the_next_error(fake: FakeTwilio) -> None:
    channel = sms(fake)
    fake.fail_next(status=429, retry_after=7)
    fake.fail_next(status=503)
    with pytest.raises(RetryableError) as first:
        channel.send(SHOPPER_SMS, {"body": "hi"})
    with pytest.raises(RetryableError) as second:
        channel.send(SHOPPER_SMS, {"body": "hi"})
    assert (first.value.retry_after, second.value.retry_after) == (7.0, None)


def test_500_is_retryable(fake: FakeTwilio) -> None:
    fake.fail_next(status=500)
    with pytest.raises(RetryableError) as caught:
        whatsapp(fake).send(SHOPPER_WA, {"body": "hi"})
    assert caught.value.retryable and caught.value.code == "20500"


def test_opted_out_recipient_is_permanent_21610_without_the_number(fake: FakeTwilio) -> None:
    fake.fail_next(status=400, code=21610, message="Attempt to send to unsubscribed +14155550100")
    with pytest.raises(PermanentError) as caught:
        sms(fake).send(SHOPPER_SMS, {"body": "hi"})
    assert caught.value.code == "21610" and not caught.value.retryable
    assert "14155550100" not in str(caught.value)


def test_full_sender_queue_21611_is_retryable(fake: FakeTwilio) -> None:
    fake.fail_next(status=400, code=21611)
    with pytest.raises(RetryableError) as caught:
        sms(fake).send(SHOPPER_SMS, {"body": "hi"})
    assert caught.value.code == "21611" and caught.value.retry_after == 60.0


def test_per_recipient_rule_only_hits_that_recipient(fake: FakeTwilio) -> None:
    fake.fail_next(status=400, code=21610, to="+14155550123", times=None)
    channel = sms(fake)
    for _ in range(2):
        with pytest.raises(PermanentError):
            channel.send(Address.parse("sms:+14155550123"), {"body": "hi"})
    channel.send(SHOPPER_SMS, {"body": "hi"})
    assert [m.to for m in fake.messages] == ["+14155550100"]


def test_the_fake_validates_like_twilio(fake: FakeTwilio) -> None:
    channel = sms(fake)
    with pytest.raises(PermanentError) as invalid_to:
        channel.send(Address("sms", "+1"), {"body": "hi"})  # bypasses Address.parse
    with pytest.raises(PermanentError) as orphan_variables:
        channel.send(SHOPPER_SMS, {"body": "hi", "content_variables": {"1": "x"}})
    assert (invalid_to.value.code, orphan_variables.value.code) == ("21211", "21654")
    assert fake.messages == []


def test_wrong_credentials_are_permanent(fake: FakeTwilio) -> None:
    channel = TwilioSMS(fake.account_sid, "wrong", "+14155550199", api_base=fake.base_url)
    with pytest.raises(PermanentError) as caught:
        channel.send(SHOPPER_SMS, {"body": "hi"})
    assert caught.value.code == "20003"


def test_timeout_is_retryable_and_an_abandoned_request_creates_nothing(fake: FakeTwilio) -> None:
    fake.hang_next(1.5)
    started = time.monotonic()
    with pytest.raises(RetryableError):
        sms(fake, timeout=0.3).send(SHOPPER_SMS, {"body": "hi"})
    assert time.monotonic() - started < 1.2
    deadline = time.monotonic() + 3
    while not fake.attempts and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [status for _, _, status in fake.attempts] == [0]
    assert fake.messages == []


def test_a_slow_answer_within_the_timeout_is_accepted(fake: FakeTwilio) -> None:
    fake.hang_next(0.3)
    sms(fake, timeout=3).send(SHOPPER_SMS, {"body": "hi"})
    assert len(fake.wait_for(1)) == 1


def test_unreachable_api_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    channel = TwilioSMS("AC" + "0" * 32, "t", "+14155550199", api_base=f"http://127.0.0.1:{port}")
    with pytest.raises(RetryableError):
        channel.send(SHOPPER_SMS, {"body": "hi"})


def test_refusals_before_any_request(fake: FakeTwilio) -> None:
    with pytest.raises(PermanentError):
        sms(fake).send(SHOPPER_WA, {"body": "hi"})  # a WhatsApp address on SMS
    with pytest.raises(PermanentError):
        sms(fake).send(SHOPPER_SMS, {})  # nothing to send
    with pytest.raises(PermanentError) as caught:
        TwilioSMS("", "", "+14155550199").send(SHOPPER_SMS, {"body": "hi"})
    assert caught.value.code == "not_configured"
    assert fake.attempts == []


@pytest.mark.parametrize(
    ("value", "expected"), [("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None), ("", None)]
)
def test_retry_after_values(value: str, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_as_an_http_date() -> None:
    wait = retry_after_seconds(formatdate(time.time() + 30, usegmt=True))
    assert wait is not None and 25 <= wait <= 31


# -- the fake's own surface, as other processes use it ----------------------------------


def _http(fake: FakeTwilio, path: str, payload: Any = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    with urllib.request.urlopen(fake.base_url + path, data=data, timeout=5) as response:
        return json.load(response)


def test_fake_is_scriptable_and_readable_over_http(fake: FakeTwilio) -> None:
    assert _http(fake, "/_fake/script", [{"status": 400, "code": 21211}]) == {
        "ok": True,
        "rules": 1,
    }
    channel = sms(fake)
    with pytest.raises(PermanentError):
        channel.send(SHOPPER_SMS, {"body": "first"})
    channel.send(SHOPPER_SMS, {"body": "second"})
    messages = _http(fake, "/_fake/messages")
    assert [m["params"]["Body"] for m in messages] == [["second"]]
    stats = _http(fake, "/_fake/stats")
    assert stats["messages"] == 1 and stats["attempts"] == 2
    _http(fake, "/_fake/script", {"rules": [], "reset": True})
    assert _http(fake, "/_fake/messages") == []


def test_bad_script_is_refused(fake: FakeTwilio) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        _http(fake, "/_fake/script", {"stauts": 500})
    assert caught.value.code == 400


def test_max_per_second_and_wait_for(fake: FakeTwilio) -> None:
    channel = sms(fake)
    for n in range(5):
        channel.send(SHOPPER_SMS, {"body": f"n{n}"})
    assert len(fake.wait_for(5, timeout=1)) == 5
    assert fake.max_per_second("+14155550199") == 5
    assert fake.max_per_second("+19999999999") == 0
    with pytest.raises(AssertionError):
        fake.wait_for(6, timeout=0.1)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"From": ["+14155550199"], "Body": ["hi"]}, 21604),
        ({"To": ["+14155550100"], "Body": ["hi"]}, 21603),
        ({"To": ["+14155550100"], "From": ["+14155550199"]}, 21602),
        ({"To": ["+14155550100"], "From": ["+14155550199"], "Body": ["x" * 1601]}, 21617),
        ({"To": ["whatsapp:+5511999990000"], "From": ["+14155550199"], "Body": ["hi"]}, 21910),
        (
            {
                "To": ["+14155550100"],
                "From": ["+1"],
                "ContentSid": ["HX1"],
                "ContentVariables": ["["],
            },
            21656,
        ),
    ],
)
def test_fake_refuses_what_twilio_refuses(params: dict[str, list[str]], code: int) -> None:
    problem = check_message(params)
    assert problem is not None and problem[:2] == (400, code)
