"""Sign test requests the way Twilio does, using twilio-python's own RequestValidator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

__all__ = ["signed_twilio_post", "twilio_signature"]

Params = Mapping[str, str | Sequence[str]]


class _MultiParams(dict[str, list[str]]):
    """A form with repeated keys, in the shape RequestValidator reads (`getall`)."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def _lists(params: Params) -> _MultiParams:
    return _MultiParams(
        (key, [value] if isinstance(value, str) else list(value)) for key, value in params.items()
    )


def twilio_signature(url: str, params: Params, token: str) -> str:
    """The `X-Twilio-Signature` Twilio sends for a POST of `params` to `url`."""
    signature: str = RequestValidator(token).compute_signature(url, _lists(params))
    return signature


def signed_twilio_post(url: str, params: Params, token: str) -> tuple[dict[str, str], bytes]:
    """Headers (lower-cased names) and form body of a signed Twilio webhook POST."""
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilio_signature(url, params, token),
    }
    return headers, urlencode(_lists(params), doseq=True).encode("utf-8")
