"""Twilio webhooks: signatures against the PROVIDERS.md vectors, and status callbacks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bot.errors import BadSignature, MalformedPayload, NotConfigured
from channels.base import HttpRequest
from channels.twilio_common import StatusUpdate, parse_status, verify_signature
from channels.twilio_sms import TwilioSMS
from channels.twilio_whatsapp import TwilioWhatsApp
from tests.channels.twilio_payloads import (
    BASE,
    INBOUND_URL,
    STATUS_URL,
    TOKEN,
    load_form,
    post,
)
from tests.fakes.signing import signed_twilio_post, twilio_signature

SID = "AC" + "0" * 32


def whatsapp(token: str = TOKEN) -> TwilioWhatsApp:
    return TwilioWhatsApp(SID, token, "whatsapp:+14155238886", public_base_url=BASE)


def sms(token: str = TOKEN) -> TwilioSMS:
    return TwilioSMS(SID, token, "+14155550199", public_base_url=BASE)


# -- signatures --------------------------------------------------------------------------

VECTORS = [
    ("whatsapp_text", f"{BASE}/webhooks/twilio/whatsapp", "zZ2Jgvqg9mVMSXmqFTwxJ5aju80="),
    ("sms_stop", f"{BASE}/webhooks/twilio/sms", "G++RlL+6v4dLM6Xk8CZNQYB7ERA="),
    ("status_undelivered", STATUS_URL, "wkYyyRbd6iA8n8xTcu0sek24Wjw="),
]


@pytest.mark.parametrize(("name", "url", "expected"), VECTORS)
def test_signing_helper_reproduces_the_provider_vectors(
    name: str, url: str, expected: str
) -> None:
    assert twilio_signature(url, load_form(name), TOKEN) == expected


@pytest.mark.parametrize(("name", "url", "expected"), VECTORS)
@pytest.mark.parametrize("with_form", [True, False])
def test_vector_signatures_verify(name: str, url: str, expected: str, with_form: bool) -> None:
    request = post(load_form(name), url, with_form=with_form)
    assert request.header("X-Twilio-Signature") == expected
    verify_signature(request, TOKEN)
    whatsapp().verify(request)
    sms().verify(request)


def test_twilio_python_vectors_with_query_string_and_duplicate_keys() -> None:
    uri = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Digits": "1234", "From": "+14158675309"}
    params |= {"To": "+18005551212", "Caller": "+14158675309"}
    signed = {"x-twilio-signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}
    form = {k: [v] for k, v in params.items()}
    verify_signature(HttpRequest("POST", uri, signed, form=form), "12345")

    duplicate = {"Sid": ["CA123"], "SidAccount": ["AC123"], "Digits": ["5678", "1234", "1234"]}
    signed = {"x-twilio-signature": "IK+Dwps556ElfBT0I3Rgjkr1wJU="}
    verify_signature(HttpRequest("POST", uri, signed, form=duplicate), "12345")


def test_signature_over_the_url_with_an_explicit_default_port_is_accepted() -> None:
    form = load_form("whatsapp_text")
    request = post(form, "https://bot.example.com:443/webhooks/twilio/whatsapp")
    signed = HttpRequest(
        "POST",
        "https://bot.example.com/webhooks/twilio/whatsapp",
        {"x-twilio-signature": request.header("x-twilio-signature") or ""},
        form=form,
    )
    verify_signature(signed, TOKEN)


def test_get_webhook_is_signed_over_the_url_alone() -> None:
    url = f"{INBOUND_URL}?MessageSid=SM{'1' * 32}&From=%2B14155550100&To=%2B14155550199&Body=hi"
    headers = {"x-twilio-signature": twilio_signature(url, {}, TOKEN)}
    request = HttpRequest("GET", url, headers)
    sms().verify(request)
    assert sms().parse(request)[0].text == "hi"


def _tampered(request: HttpRequest, **changes: Any) -> HttpRequest:
    return dataclasses.replace(request, **changes)


@pytest.mark.parametrize(
    "change",
    [
        {"headers": {"content-type": "application/x-www-form-urlencoded"}},  # missing
        {"headers": {"x-twilio-signature": ""}},
        {"headers": {"x-twilio-signature": "zZ2Jgvqg9mVMSXmqFTwxJ5aju80="}},  # other URL's
        {"url": INBOUND_URL.replace("https", "http")},
        {"url": INBOUND_URL + "?x=1"},
        {"form": load_form("whatsapp_text") | {"Body": ["Refund me"]}},
        {"form": load_form("whatsapp_text") | {"Extra": ["1"]}},
    ],
)
def test_missing_or_wrong_signature_is_refused(change: dict[str, Any]) -> None:
    request = _tampered(post(load_form("whatsapp_text")), **change)
    with pytest.raises(BadSignature):
        whatsapp().verify(request)


def test_wrong_token_is_refused_and_no_token_means_not_configured() -> None:
    request = post(load_form("sms_stop"))
    with pytest.raises(BadSignature):
        sms("another_token").verify(request)
    with pytest.raises(NotConfigured):
        sms("").verify(request)
    with pytest.raises(NotConfigured):
        verify_signature(request, None)


def test_undecodable_body_fails_the_signature_check() -> None:
    request = HttpRequest("POST", INBOUND_URL, {"x-twilio-signature": "x"}, body=b"Body=\xff")
    with pytest.raises(BadSignature):
        sms().verify(request)


def test_unknown_parameters_are_signed_and_accepted() -> None:
    form = load_form("whatsapp_text") | {"SomethingNew2027": ["yes"], "ChannelMetadata": ["{}"]}
    request = post(form)
    whatsapp().verify(request)
    assert whatsapp().parse(request)[0].raw["SomethingNew2027"] == "yes"


# -- status callbacks --------------------------------------------------------------------


def test_status_callback_with_error_code() -> None:
    update = parse_status(post(load_form("status_undelivered"), STATUS_URL))
    assert update == StatusUpdate("SM" + "3" * 32, "undelivered", "63016")


def test_status_callback_delivered_has_no_error() -> None:
    update = parse_status(post(load_form("status_delivered_sms"), STATUS_URL, with_form=False))
    assert update == StatusUpdate("SM" + "4" * 32, "delivered", None)


@pytest.mark.parametrize(
    "changes",
    [
        {"MessageSid": [""], "SmsSid": [""]},
        {"MessageStatus": [""], "SmsStatus": [""]},
        {"MessageStatus": ["<script>"]},
        {"ErrorCode": ["oops"]},
    ],
)
def test_malformed_status_callbacks(changes: dict[str, list[str]]) -> None:
    with pytest.raises(MalformedPayload):
        parse_status(post(load_form("status_undelivered") | changes, STATUS_URL))


def test_signed_post_body_round_trips() -> None:
    headers, body = signed_twilio_post(INBOUND_URL, {"A": "1", "B": ["2", "3"]}, TOKEN)
    assert body == b"A=1&B=2&B=3"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
