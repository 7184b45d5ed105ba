"""Sending through twilio-python: a client aimed at any API base, failures mapped to souk's.

Failure policy (DESIGN.md rule 4):
- 429, 408, 5xx, connection errors and timeouts → RetryableError, carrying the
  response's `Retry-After` when Twilio sent one;
- 21611 (the sender's queue is full) → RetryableError: the queue drains by itself;
- any other 4xx → PermanentError with Twilio's error code ("21610" opted out,
  "21211" invalid number, "63016" outside the WhatsApp window, ...).
A timeout is retried although Twilio may have accepted the message: DESIGN.md accepts
at most one duplicate for the message in flight.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.errors import PermanentError, ProviderError, RetryableError
from channels.base import SendResult

API_BASE = "https://api.twilio.com"
# A send job should fail fast and retry later rather than hold a worker for a minute.
DEFAULT_TIMEOUT = 10.0
STATUS_PATH = "/webhooks/twilio/status"
_QUEUE_FULL = 21611
# With no Retry-After, wait this long for a full sender queue to drain.
_QUEUE_FULL_WAIT = 60.0
# Long digit runs in Twilio's error texts are phone numbers: keep them out of logs.
_DIGITS = re.compile(r"\+?\d[\d\s().-]{4,}\d")


class RetryAfterHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no types
    """A TwilioHttpClient that remembers, per thread, the headers of its last response.

    twilio-python raises TwilioRestException without the response headers, so this is
    how a 429's `Retry-After` reaches the error. Per thread, because one client is
    shared by every worker thread.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self._last = threading.local()

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send the request as TwilioHttpClient does and keep the response's headers."""
        self._last.headers = {}
        response = super().request(
            method, url, params, data, headers, auth, timeout, allow_redirects
        )
        self._last.headers = response.headers or {}
        return response

    @property
    def last_headers(self) -> Mapping[str, str]:
        """Headers of this thread's last response; empty if it got none (e.g. a timeout)."""
        headers: Mapping[str, str] = getattr(self._last, "headers", {})
        return headers


def make_client(
    account_sid: str,
    auth_token: str,
    api_base: str = API_BASE,
    timeout: float = DEFAULT_TIMEOUT,
) -> Client:
    """A twilio `Client` sending to `api_base` through a `RetryAfterHttpClient`."""
    http = RetryAfterHttpClient(timeout=timeout)
    # environment={}: TWILIO_REGION/TWILIO_EDGE would otherwise rewrite the host.
    client = Client(account_sid, auth_token, http_client=http, environment={})
    client.api.base_url = api_base.rstrip("/")
    return client


def status_callback_url(public_base_url: str | None) -> str | None:
    """Where Twilio should post delivery statuses, or None without a public URL."""
    if not public_base_url:
        return None
    return public_base_url.rstrip("/") + STATUS_PATH


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` value (seconds or an HTTP date); None if unusable."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def map_error(exc: Exception, headers: Mapping[str, str] | None = None) -> ProviderError:
    """The souk error for a failed Twilio call (see the module docstring for the policy)."""
    if isinstance(exc, TwilioRestException | TwilioServiceException):
        status = int(exc.status or 0)
        code = str(exc.code) if exc.code not in (None, "") else None
        detail = exc.msg if isinstance(exc, TwilioRestException) else exc.detail or exc.title
        text = f"Twilio answered {status}" + (f" (error {code})" if code else "")
        text += f": {_DIGITS.sub('***', str(detail))}" if detail else ""
        if status in (408, 429) or status >= 500 or exc.code == _QUEUE_FULL:
            wait = retry_after_seconds(_header(headers or {}, "Retry-After"))
            if wait is None and exc.code == _QUEUE_FULL:
                wait = _QUEUE_FULL_WAIT
            return RetryableError(text, code=code, retry_after=wait)
        return PermanentError(text, code=code or str(status))
    if isinstance(exc, requests.Timeout):
        return RetryableError("Twilio did not answer in time")
    return RetryableError(f"could not reach Twilio: {type(exc).__name__}")


def _create_params(part: Mapping[str, Any]) -> dict[str, Any]:
    """twilio-python's `messages.create` keywords for one rendered part."""
    params: dict[str, Any] = {}
    if part.get("body"):
        params["body"] = str(part["body"])
    media = part.get("media_url")
    if media:
        params["media_url"] = [media] if isinstance(media, str) else [str(u) for u in media]
    if part.get("content_sid"):
        params["content_sid"] = str(part["content_sid"])
    variables = part.get("content_variables")
    if variables is not None:
        # The API wants a JSON string; parts keep a dict so they stay readable in the DB.
        params["content_variables"] = (
            variables if isinstance(variables, str) else json.dumps(variables, ensure_ascii=False)
        )
    if not (params.get("body") or params.get("media_url") or params.get("content_sid")):
        raise PermanentError("nothing to send: the part has no body, media or template")
    return params


def send_message(
    client: Client,
    to: str,
    part: Mapping[str, Any],
    *,
    from_: str | None = None,
    messaging_service_sid: str | None = None,
    status_callback: str | None = None,
) -> SendResult:
    """Create one Twilio message for a rendered part; raise RetryableError or PermanentError.

    A Messaging Service, when given, picks the sender itself, so `from_` is not sent then.
    """
    params = _create_params(part)
    params["to"] = to
    if messaging_service_sid:
        params["messaging_service_sid"] = messaging_service_sid
    elif from_:
        params["from_"] = from_
    else:
        raise PermanentError("no sender: set a From number or a Messaging Service")
    if status_callback:
        params["status_callback"] = status_callback
    try:
        message = client.messages.create(**params)
    except (TwilioRestException, TwilioServiceException, requests.RequestException) as exc:
        headers = getattr(client.http_client, "last_headers", {})
        # `from None`: Twilio's own message names the phone number; ours masks it.
        raise map_error(exc, headers) from None
    return SendResult(provider_id=str(message.sid), status=str(message.status or "queued"))
