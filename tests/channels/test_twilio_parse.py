"""Parsing Twilio inbound webhooks: recorded forms of each kind, malformed ones, any form."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import MalformedPayload
from channels.base import Address, HttpRequest, Inbound, Kind
from channels.twilio_common import channel_of, parse_status
from channels.twilio_sms import TwilioSMS
from channels.twilio_whatsapp import TwilioWhatsApp
from tests.channels.twilio_payloads import (
    BASE,
    INBOUND_URL,
    TOKEN,
    flat,
    load_form,
    post,
)

SID = "AC" + "0" * 32


def whatsapp(token: str = TOKEN) -> TwilioWhatsApp:
    return TwilioWhatsApp(SID, token, "whatsapp:+14155238886", public_base_url=BASE)


def sms(token: str = TOKEN) -> TwilioSMS:
    return TwilioSMS(SID, token, "+14155550199", public_base_url=BASE)


# -- parsing -----------------------------------------------------------------------------

FIXTURES = [
    "whatsapp_text",
    "whatsapp_image",
    "whatsapp_location",
    "whatsapp_button",
    "whatsapp_contact",
    "sms_stop",
    "sms_mms",
]


@pytest.mark.parametrize("name", FIXTURES)
def test_channel_of_tells_whatsapp_from_sms(name: str) -> None:
    form = load_form(name)
    assert channel_of(form) == name.partition("_")[0]
    assert channel_of(flat(form)) == name.partition("_")[0]


def _one(name: str) -> Inbound:
    form = load_form(name)
    adapter = whatsapp() if channel_of(form) == "whatsapp" else sms()
    messages = adapter.parse(post(form))
    assert len(messages) == 1
    assert messages == adapter.parse(post(form, with_form=False))
    return messages[0]


def test_whatsapp_text() -> None:
    message = _one("whatsapp_text")
    assert message.address == Address("whatsapp", "+5511999990000")
    assert str(message.address) == "whatsapp:+5511999990000"
    assert message.provider_id == "SM" + "1" * 32
    assert (message.kind, message.text, message.payload) == (
        Kind.TEXT,
        "Where is my order #1234?",
        None,
    )
    assert message.name == "Ana"
    assert message.raw["WaId"] == "5511999990000"


def test_sms_stop_keeps_the_keyword_and_opt_out_type() -> None:
    message = _one("sms_stop")
    assert str(message.address) == "sms:+14155550100"
    assert (message.kind, message.text, message.name) == (Kind.TEXT, "STOP", None)
    assert message.raw["OptOutType"] == "STOP"


def test_whatsapp_image_is_media_with_caption() -> None:
    message = _one("whatsapp_image")
    assert message.kind is Kind.MEDIA
    assert message.text == "Is this one in stock?"
    assert len(message.media) == 1 and message.media[0][1] == "image/jpeg"
    assert message.media[0][0].startswith("https://api.twilio.com/")


def test_mms_with_two_images() -> None:
    message = _one("sms_mms")
    assert message.kind is Kind.MEDIA
    assert [ctype for _, ctype in message.media] == ["image/jpeg", "image/png"]


def test_whatsapp_location() -> None:
    message = _one("whatsapp_location")
    assert message.kind is Kind.LOCATION
    assert message.location == (-23.5613, -46.6565)
    assert message.text == "MASP"


def test_whatsapp_button_carries_its_payload_apart_from_text() -> None:
    message = _one("whatsapp_button")
    assert (message.kind, message.payload, message.text) == (
        Kind.BUTTON,
        "track:1234",
        "Track order",
    )


def test_whatsapp_contact_arrives_as_a_vcard() -> None:
    message = _one("whatsapp_contact")
    assert message.kind is Kind.CONTACT
    assert message.media[0][1] == "text/vcard"


@pytest.mark.parametrize("name", ["whatsapp_text", "whatsapp_button"])
def test_sms_adapter_refuses_a_whatsapp_form(name: str) -> None:
    with pytest.raises(MalformedPayload):
        sms().parse(post(load_form(name)))


@pytest.mark.parametrize("name", ["sms_stop", "sms_mms"])
def test_whatsapp_adapter_refuses_an_sms_form(name: str) -> None:
    with pytest.raises(MalformedPayload):
        whatsapp().parse(post(load_form(name)))


WA_BROKEN = [
    {"MessageSid": None, "SmsMessageSid": None},
    {"MessageSid": ["SM123"], "SmsMessageSid": None},
    {"MessageSid": ["SM" + "z" * 32]},
    {"To": None},
    {"From": ["whatsapp:+55abc"]},
    {"From": ["whatsapp:5511999990000"]},  # no +
    {"To": ["+14155238886"]},  # WhatsApp message to a bare number
    {"NumMedia": ["one"]},
    {"NumMedia": ["1"]},  # but no MediaUrl0
    {"NumMedia": ["-1"]},
    {"Latitude": ["north"], "Longitude": ["0"]},
    {"Latitude": ["91"], "Longitude": ["0"]},
    {"Latitude": ["nan"], "Longitude": ["0"]},
    {"Latitude": ["1.5"]},  # Longitude missing
]


@pytest.mark.parametrize("changes", WA_BROKEN)
def test_malformed_whatsapp_forms(changes: dict[str, list[str] | None]) -> None:
    form = load_form("whatsapp_text")
    for key, value in changes.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    with pytest.raises(MalformedPayload):
        whatsapp().parse(post(form))


@pytest.mark.parametrize(
    "changes",
    [{"From": ["14155550100"]}, {"From": ["+1"]}, {"From": ["alice"]}, {"To": ["not-a-number"]}],
)
def test_malformed_sms_forms(changes: dict[str, list[str]]) -> None:
    with pytest.raises(MalformedPayload):
        sms().parse(post(load_form("sms_stop") | changes))


def test_body_that_is_not_utf8_is_malformed() -> None:
    request = HttpRequest("POST", INBOUND_URL, {}, body=b"From=%2B1&Body=\xff\xfe")
    with pytest.raises(MalformedPayload):
        sms().parse(request)


def test_sms_to_a_short_code_is_accepted() -> None:
    message = sms().parse(post(load_form("sms_stop") | {"To": ["55555"]}))[0]
    assert message.text == "STOP"


# -- properties --------------------------------------------------------------------------

KEYS = sorted(set(load_form("whatsapp_text")) | set(load_form("whatsapp_location")))
KEYS += ["ButtonPayload", "ButtonText", "MediaUrl0", "MediaContentType0", "ListId", "Body"]
_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "1", "10", "-1", "nan", "1e309", "whatsapp:+5511999990000"]),
    st.sampled_from(["+14155550100", "SM" + "1" * 32, "https://x.example/m.jpg", "12.5"]),
)
_forms = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(max_size=20)),
    st.lists(_values, min_size=0, max_size=3),
    max_size=25,
)


def _mutated(base: str, changes: dict[str, list[str]]) -> dict[str, list[str]]:
    return load_form(base) | changes


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        _forms,
        st.builds(_mutated, st.sampled_from(FIXTURES), _forms),
    ),
    st.booleans(),
)
def test_any_form_parses_or_is_malformed(form: dict[str, list[str]], with_body: bool) -> None:
    request = post(form, with_form=not with_body)
    for adapter in (whatsapp(), sms()):
        try:
            messages = adapter.parse(request)
        except MalformedPayload:
            continue
        assert len(messages) == 1 and isinstance(messages[0], Inbound)
        assert messages[0].address.channel == adapter.name
    with contextlib.suppress(MalformedPayload):
        parse_status(request)
