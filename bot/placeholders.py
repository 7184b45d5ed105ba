"""Filling `{name}` placeholders into a translated message, right-to-left aware.

Used by `bot.i18n`; placeholders are `str.format` fields filled after translation, so
a translator may move them. A reply must go out even when a field or a translation
is broken: a missing parameter formats back to its placeholder, a broken translation
gives way to the developers' msgid.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Mapping
from typing import Any, Final

from channels import bidi

__all__ = ["render"]

log = logging.getLogger(__name__)


class _Missing:
    """Stands in for a missing parameter: formats back to its own placeholder."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, spec: str) -> str:
        return "{" + self.name + (":" + spec if spec else "") + "}"


class _Params(dict[str, Any]):
    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.missing: list[str] = []

    def __missing__(self, key: str) -> _Missing:
        self.missing.append(key)
        return _Missing(key)


class _IsolatingFormatter(string.Formatter):
    """Fills fields like `str.format`, wrapping each value in a bidi isolate.

    Used for right-to-left messages (see channels/bidi.py): a price, an order number
    or a Latin product name then keeps its own direction and moves as one unit. URLs
    are left bare: phones' link detection would take the invisible isolate characters
    for part of the address.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(super().format_field(value, format_spec))
        if _URL.match(text.strip()):
            return text
        return bidi.isolate(text)


_FORMATTER: Final = string.Formatter()
_ISOLATING: Final = _IsolatingFormatter()
_URL: Final = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)


def _literal(text: str) -> str:
    """The text of a message without its fields: what decides its direction."""
    return "".join(literal for literal, _, _, _ in _FORMATTER.parse(text))


def render(
    locale: str, msgid: str, text: str, params: Mapping[str, Any], *, rtl_locale: bool = False
) -> str:
    """Fill `text` (the translation of `msgid` into `locale`) with `params`.

    In a right-to-left locale, a text that is really translated (it reads right to
    left) gets its values isolated and its lines marked RTL; an untranslated English
    fallback does not.
    """
    values = _Params(params)
    try:
        rtl = rtl_locale and bidi.is_rtl(_literal(text))
        formatter = _ISOLATING if rtl else _FORMATTER
        rendered = formatter.vformat(text, (), values)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        log.warning("i18n: broken placeholder in %s translation of %r", locale, msgid)
        # The msgid is the developers' own text; trust it over a bad translation.
        if text == msgid:
            return msgid
        return render(locale, msgid, msgid, params, rtl_locale=rtl_locale)
    if values.missing:
        log.warning("i18n: %r in %s is missing %s", msgid, locale, sorted(set(values.missing)))
    return bidi.rtl_lines(rendered) if rtl else rendered
