"""souk's exceptions, one root.

    SoukError
    ├── ConfigError            settings missing or malformed: start-up stops, listing them all
    ├── WebhookError           something wrong with an inbound provider request
    │   ├── BadSignature       missing or wrong signature        → 403, nothing stored
    │   ├── MalformedPayload   body cannot be parsed             → 400, nothing stored
    │   ├── PayloadTooLarge    body over SOUK_MAX_WEBHOOK_BYTES  → 413, nothing stored
    │   └── NotConfigured      the provider's credentials unset  → 503
    ├── ProviderError          an outbound call to a provider failed
    │   ├── RetryableError     5xx, 429, timeouts: retried with backoff, honouring retry_after
    │   └── PermanentError     4xx such as 21610 (opted out): recorded, never retried
    └── InputError             bad input from a person or a merchant → exit 2 / 4xx

An update kind souk does not handle is not an error: the adapter returns no
messages and the webhook answers 200.
"""

from __future__ import annotations


class SoukError(Exception):
    """Root of every error souk raises on purpose."""


class ConfigError(SoukError):
    """One or more settings are missing or malformed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class WebhookError(SoukError):
    """An inbound provider request that souk refuses."""

    status = 400

    @property
    def code(self) -> str:
        """The error's name in JSON answers: `bad_signature`, `malformed_payload`, ..."""
        name = type(self).__name__
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


class BadSignature(WebhookError):
    """The request's signature is missing or does not match."""

    status = 403


class MalformedPayload(WebhookError):
    """The request's body cannot be read as the provider's format."""

    status = 400


class PayloadTooLarge(WebhookError):
    """The request's body is larger than any message souk accepts."""

    status = 413


class NotConfigured(WebhookError):
    """The provider's credentials are not set, so its requests cannot be verified."""

    status = 503


class ProviderError(SoukError):
    """A provider refused or failed an outbound call."""

    retryable = False

    def __init__(
        self, message: str, *, code: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


class RetryableError(ProviderError):
    """A transient failure (5xx, 429, timeout): try again later."""

    retryable = True


class PermanentError(ProviderError):
    """The provider will never accept this message as it is: record and stop."""


class InputError(SoukError):
    """Bad input from a person or a merchant system."""
