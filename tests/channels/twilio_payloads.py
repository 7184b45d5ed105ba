"""Recorded Twilio webhook forms (tests/fixtures/twilio) and signed requests built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import parse_qs

from channels.base import HttpRequest
from tests.fakes.signing import signed_twilio_post

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "twilio"
# The token behind PROVIDERS.md's Twilio signature vectors.
TOKEN = "test_auth_token_0123456789abcdef"
BASE = "https://bot.example.com"
INBOUND_URL = f"{BASE}/webhooks/twilio"
STATUS_URL = f"{BASE}/webhooks/twilio/status"


def load_form(name: str) -> dict[str, list[str]]:
    """The recorded form `name` (file stem), every value as a list, as Twilio posted it."""
    text = (FIXTURES / f"{name}.txt").read_text("utf-8").strip()
    return parse_qs(text, keep_blank_values=True)


def flat(form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """First value of each key."""
    return {key: values[0] for key, values in form.items()}


def post(
    form: Mapping[str, Sequence[str]],
    url: str = INBOUND_URL,
    token: str | None = TOKEN,
    *,
    with_form: bool = True,
) -> HttpRequest:
    """A POST of `form` to `url`, signed with `token` (unsigned if None).

    With `with_form=False` only the raw body is given, as a caller that does not decode
    forms would pass it.
    """
    headers, body = signed_twilio_post(url, form, token or "unused")
    if token is None:
        del headers["x-twilio-signature"]
    return HttpRequest(
        method="POST",
        url=url,
        headers=headers,
        body=body,
        form={k: list(v) for k, v in form.items()} if with_form else {},
    )
