"""Log redaction: phone numbers, chat ids, card numbers and secrets masked in every record.

Code logs masked addresses on purpose (`Address.masked()`), but a number can still
slip into a line: a provider's error text ("Invalid 'To' Phone Number: +1…"), a
request URL with the bot token in it, an exception from a library. `RedactingFilter`
is the net under all of that. It is attached to handlers, not loggers, because a
logger's filters do not see records that propagate from its children.

    handler.addFilter(RedactingFilter(secrets=[auth_token, bot_token]))

Card numbers are replaced at every level; everything else too: the filter does not
look at the level.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["RedactingFilter", "install", "mask_number", "redact"]

# "+5511987654321", "whatsapp:+5511987654321": a plus and 7 to 15 digits; also a plus
# URL-encoded in a logged request line ("?address=sms:%2B14155550123").
_E164 = re.compile(r"(?<![\w+])(?:\+|%2[Bb])\d{7,15}(?!\d)")
# Bare digit runs as long as a phone number without its plus (WhatsApp's WaId).
_BARE = re.compile(r"(?<![\w+*])\d{10,15}(?![\d*])")
# Telegram chat ids are personal identifiers too.
_TELEGRAM = re.compile(r"(?<=telegram:)-?\d+")
# 13 to 19 digits, optionally grouped by spaces or dashes: a card number if Luhn agrees.
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Secrets recognisable by their shape even when souk was not told about them.
_SHAPED_SECRETS = re.compile(
    r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"  # Stripe secret and restricted keys
    r"|\bwhsec_[A-Za-z0-9]{8,}"  # Stripe webhook secrets
    r"|\bsouk_[A-Za-z0-9_-]{20,}"  # souk merchant API keys
    r"|(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}"  # Telegram bot tokens (they sit in API URLs)
)


def mask_number(number: str) -> str:
    """Keep a number's first characters (country code) and last four digits."""
    keep = 3 if number.startswith("+") else 0
    hidden = len(number) - keep - 4
    if hidden <= 0:
        return "*" * len(number)
    return number[:keep] + "*" * hidden + number[-4:]


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if _luhn(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    raw = match.group()
    return mask_number("+" + (raw[3:] if raw.startswith("%") else raw[1:]))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with secrets, card numbers, phone numbers and chat ids masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    text = _SHAPED_SECRETS.sub("[secret]", text)
    text = _CARD.sub(_card, text)
    text = _E164.sub(_phone, text)
    text = _BARE.sub(lambda m: mask_number(m.group()), text)
    return _TELEGRAM.sub(lambda m: mask_number(m.group()), text)


class RedactingFilter(logging.Filter):
    """Rewrite each record's message (and traceback) with `redact`; never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Short values would mask ordinary words; real secrets are long.
        self.secrets = tuple(sorted({s for s in secrets if s and len(s) >= 8}, key=len,
                                    reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; always keep it."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem to report, not ours
            return True
        record.msg, record.args = redact(message, self.secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install(handler: logging.Handler, secrets: Iterable[str] = ()) -> RedactingFilter:
    """Attach a RedactingFilter to `handler` (replacing one attached before)."""
    for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
        handler.removeFilter(old)
    found = RedactingFilter(secrets)
    handler.addFilter(found)
    return found
