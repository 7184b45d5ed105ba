"""Property tests on every parser a stranger can reach: whatever comes in, the answer
is a clear 4xx (or a normal 2xx), never a 500 and never an exception escaping.

Webhook forms and Telegram updates go through the real Flask app, signed as the
providers sign them; addresses, money, shoppers' words and log redaction are fed
directly. (Catalog rows are parsed on the catalog branch; their properties live there.)
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot import money, nlu
from bot.config import DEFAULT_SHOP
from bot.redact import redact
from bot.shop import load_shop
from channels.base import Address
from tests.conftest import PUBLIC_BASE_URL, TELEGRAM_SECRET
from tests.fakes.signing import twilio_signature
from tests.support import twilio_form

FLASK = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
PURE = settings(max_examples=200, deadline=None, database=None)
SHOP = load_shop(DEFAULT_SHOP)
CURRENCIES = ["USD", "EUR", "BRL", "MXN", "JPY", "IDR", "SGD", "GBP"]

text = st.text(max_size=40)
twilio_keys = st.sampled_from(["MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0",
                               "MediaContentType0", "Latitude", "Longitude", "ButtonPayload",
                               "ButtonText", "ProfileName", "WaId", "ListId", "OptOutType"])


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@FLASK
@given(overrides=st.dictionaries(twilio_keys, text, max_size=6),
       extra=st.dictionaries(text, text, max_size=3),
       frm=st.sampled_from(["+14155550123", "whatsapp:+5511987654321", "sms", "", "+1"]))
def test_any_signed_twilio_form_is_answered_without_a_server_error(  # type: ignore[no-untyped-def]
        client, fake_twilio, overrides, extra, frm):
    form = {**twilio_form(frm, "hi"), **extra, **overrides}
    assume(all("\x00" not in k + v for k, v in form.items()))
    signature = twilio_signature(PUBLIC_BASE_URL + "/webhooks/twilio", form,
                                 fake_twilio.auth_token)
    response = client.post("/webhooks/twilio", data=urlencode(form),
                           content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code in (200, 400), (response.status_code, form)


@FLASK
@given(body=st.binary(max_size=300),
       signature=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
       path=st.sampled_from(["/webhooks/twilio", "/webhooks/twilio/status"]))
def test_any_badly_signed_twilio_body_is_refused(client, body, signature, path):  # type: ignore[no-untyped-def]
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=3),
    max_leaves=12,
)


def telegram_like() -> st.SearchStrategy[dict[str, Any]]:
    """Updates shaped like Telegram's, with any value anywhere."""
    user = st.fixed_dictionaries({"id": st.integers() | json_values,
                                  "is_bot": st.booleans() | json_values,
                                  "first_name": text | json_values})
    message = st.fixed_dictionaries(
        {"message_id": st.integers(), "date": st.integers() | json_values,
         "chat": st.fixed_dictionaries({"id": st.integers() | json_values,
                                        "type": st.sampled_from(["private", "group"]) | text}),
         "from": user},
        optional={"text": text | json_values, "contact": json_values,
                  "location": json_values, "photo": json_values, "caption": json_values})
    return st.fixed_dictionaries({"update_id": st.integers(min_value=0) | json_values},
                                 optional={"message": message | json_values,
                                           "callback_query": json_values,
                                           "edited_message": message})


@FLASK
@given(update=telegram_like() | json_values)
def test_any_telegram_update_is_answered_without_a_server_error(client, update):  # type: ignore[no-untyped-def]
    response = client.post("/webhooks/telegram", data=json.dumps(update),
                           content_type="application/json",
                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code in (200, 400), response.get_data(as_text=True)


@FLASK
@given(body=st.binary(max_size=300), ctype=st.sampled_from(["application/json", "text/plain",
                                                            "application/x-www-form-urlencoded"]))
def test_any_simulator_body_is_answered_without_a_server_error(signed_in_client, body,  # type: ignore[no-untyped-def]
                                                               ctype):
    # Outside embedded mode the simulator is for console users (CONTRACT.md): sign in,
    # or every body would stop at the gate's 401 before the parser this test is about.
    response = signed_in_client.post("/simulator/api/messages", data=body, content_type=ctype)
    assert response.status_code in (202, 400), response.status_code


@PURE
@given(raw=st.text(max_size=40) | st.from_regex(
    r"(whatsapp|sms|telegram|web|WhatsApp|fax):[+-]?[0-9]{0,18}", fullmatch=True))
def test_an_address_is_parsed_or_refused_and_round_trips(raw: str) -> None:
    try:
        address = Address.parse(raw)
    except ValueError:
        return
    assert Address.parse(str(address)) == address
    masked = address.masked()
    if address.phone:
        assert address.phone not in masked and masked.endswith(address.phone[-4:])


@PURE
@given(amount=st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"),
                          allow_nan=False, allow_infinity=False, places=6),
       currency=st.sampled_from(CURRENCIES), target=st.sampled_from(CURRENCIES))
def test_money_converts_and_round_trips_through_minor_units(amount: Decimal, currency: str,
                                                            target: str) -> None:
    rounded = money.quantize(amount, currency)
    assert money.from_minor(money.to_minor(rounded, currency), currency) == rounded
    assert money.quantize(rounded, currency) == rounded
    price = money.convert(SHOP, amount, currency, target)
    assert price.currency == target and money.quantize(price.amount, target) == price.amount


@PURE
@given(currency=st.text(max_size=5))
def test_an_unknown_currency_is_a_clear_error(currency: str) -> None:
    assume(currency.upper() not in [*CURRENCIES, SHOP.base_currency])
    with pytest.raises(money.UnknownCurrency):
        money.rate(SHOP, currency, "USD")


@PURE
@given(words=st.text(max_size=200), payload=st.none() | st.text(max_size=64))
def test_understanding_never_raises(words: str, payload: str | None) -> None:
    event = nlu.understand(words, payload, [("Shop", "shop"), ("Track", "track")])
    assert event.text == words


@PURE
@given(line=st.text(max_size=200))
def test_redaction_never_raises_and_is_stable(line: str) -> None:
    once = redact(line, ["fake_auth_token_0123456789abcdef"])
    assert redact(once, ["fake_auth_token_0123456789abcdef"]) == once
