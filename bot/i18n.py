"""Shopper-facing text and numbers in the shopper's language, through Babel.

Messages are gettext msgids written in English (the source language) and marked
`N_("...")` where they are defined, rendered with `gettext(locale, msgid, **params)`
where they are sent. Placeholders are `str.format` named fields, `{name}`, filled
after translation so a translator may move them. Catalogs live in
`locales/<locale>/LC_MESSAGES/messages.po`; a locale ships when its catalog exists,
so adding French is `scripts/i18n init fr` and translating. A fresh clone needs no
build step: a `.po` without an up-to-date `.mo` is compiled in memory.

We never call `gettext.install`: one process serves shoppers in many languages at
once, so the locale is an argument, never a global.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any, Final

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot import placeholders
from bot.formatting import (
    babel_locale,
    format_date,
    format_money,
    format_number,
    minor_units,
    regional,
)

__all__ = [
    "DOMAIN",
    "LOCALES_DIR",
    "SOURCE_LOCALE",
    "SUPPORTED",
    "N_",
    "babel_locale",
    "fill",
    "format_date",
    "format_money",
    "format_number",
    "gettext",
    "is_rtl",
    "load_translations",
    "minor_units",
    "negotiate",
    "ngettext",
    "regional",
    "translate",
    "translations",
]

log = logging.getLogger(__name__)

LOCALES_DIR: Final = Path(__file__).resolve().parent.parent / "locales"
DOMAIN: Final = "messages"
SOURCE_LOCALE: Final = "en"


def _discover(directory: Path) -> tuple[str, ...]:
    """List the locales that have a catalog in `directory`, the source locale first."""
    found: set[str] = set()
    if directory.is_dir():
        for child in directory.iterdir():
            messages = child / "LC_MESSAGES"
            has_catalog = any((messages / f"{DOMAIN}{ext}").is_file() for ext in (".po", ".mo"))
            if has_catalog and _is_locale(child.name):
                found.add(child.name)
    found.discard(SOURCE_LOCALE)
    return (SOURCE_LOCALE, *sorted(found))


def _is_locale(name: str) -> bool:
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return False
    return True


SUPPORTED: Final[tuple[str, ...]] = _discover(LOCALES_DIR)


def N_(msgid: str) -> str:  # noqa: N802 - the name extraction tools look for
    """Mark `msgid` for extraction and return it unchanged; translate it when sent."""
    return msgid


# ---------------------------------------------------------------- negotiation

_Subtags = tuple[str, str | None, str | None]


def _subtags(tag: str) -> _Subtags | None:
    """Split a BCP 47 / POSIX tag such as "pt-br", "zh_Hant_TW", "en_US.UTF-8"."""
    tag = tag.strip().split(",")[0].split(";")[0].split(".")[0].split("@")[0]
    parts = [part for part in tag.replace("-", "_").split("_") if part]
    if not parts or not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    language = parts[0].lower()
    # Old codes still sent by some phones ("in" for Indonesian, "iw" for Hebrew).
    alias = get_global("language_aliases").get(language)
    if alias and "_" not in alias:
        language = alias
    script = territory = None
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            script = part.title()
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            territory = part.upper()
    return language, script, territory


def _script(language: str, script: str | None, territory: str | None) -> str | None:
    """The script a tag implies: zh_TW writes Hant, zh and zh_CN write Hans."""
    if script:
        return script
    likely: Mapping[str, str] = get_global("likely_subtags")
    keys = ([f"{language}_{territory}"] if territory else []) + [language]
    for key in keys:
        if key in likely:
            parts = likely[key].split("_")
            return next((p for p in parts[1:] if len(p) == 4), None)
    return None


@functools.lru_cache(maxsize=1024)
def _negotiate(tag: str, supported: tuple[str, ...]) -> str | None:
    wanted = _subtags(tag)
    if wanted is None:
        return None
    language, _, territory = wanted
    script = _script(*wanted)
    best: tuple[int, int, str] | None = None
    for index, candidate in enumerate(supported):
        have = _subtags(candidate)
        if have is None or have[0] != language:
            continue
        # Simplified and Traditional Chinese are different written languages: never swap.
        if _script(*have) != script:
            continue
        # Prefer the same region, then the region-neutral catalog, then any other region.
        rank = 0 if have[2] == territory else 1 if have[2] is None else 2
        if best is None or (rank, index) < best[:2]:
            best = (rank, index, candidate)
    return best[2] if best else None


def negotiate(tag: str | None, supported: Iterable[str] | None = None) -> str | None:
    """Map a language tag from a channel or a phone to a supported locale, or None.

    Any region of a supported language matches it ("es-MX" → "es", "pt_PT" → "pt_BR"
    while Brazilian is our only Portuguese); the script must agree ("zh-CN" matches
    "zh_Hans" or "zh_CN", "zh-TW" does not).
    """
    if not tag:
        return None
    return _negotiate(tag, tuple(SUPPORTED if supported is None else supported))


# ------------------------------------------------------------------ catalogs


def _compile(po_path: Path, locale: str) -> Translations:
    """Compile a .po into translations in memory, leaving fuzzy entries out."""
    with po_path.open("rb") as po_file:
        catalog: Catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _empty(locale: str) -> Translations:
    """Translations with no messages but `locale`'s plural rule: every msgid comes back."""
    try:
        catalog = Catalog(locale=babel_locale(locale), domain=DOMAIN)
    except (ValueError, UnknownLocaleError):
        catalog = Catalog(locale=SOURCE_LOCALE, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load_translations(directory: Path, locale: str) -> Translations:
    """Load `<directory>/<locale>/LC_MESSAGES/messages.{mo,po}`, uncached.

    The .mo is used when it is at least as new as the .po; otherwise the .po is
    compiled in memory, so an edited catalog never hides behind a stale .mo.
    Without either file, every msgid comes back untranslated.
    """
    messages = directory / locale / "LC_MESSAGES"
    po_path, mo_path = messages / f"{DOMAIN}.po", messages / f"{DOMAIN}.mo"
    if mo_path.is_file() and (
        not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as mo_file:
            return Translations(mo_file, domain=DOMAIN)
    if po_path.is_file():
        return _compile(po_path, locale)
    return _empty(locale)


@functools.lru_cache(maxsize=64)
def translations(locale: str) -> Translations:
    """Return the translations for `locale`, loaded once per process.

    A regional or BCP 47 name finds its catalog ("pt-BR", "es_MX" → es). English, the
    source language, needs no catalog. A locale we do not ship is answered in English,
    with a warning: that is a bug upstream, not the shopper's.
    """
    shipped = locale if locale in SUPPORTED else negotiate(locale)
    if shipped is None:
        log.warning("i18n: no catalog for locale %r, replying in the source language", locale)
        return _empty(locale)
    return load_translations(LOCALES_DIR, shipped)


# ------------------------------------------------------------------ messages


@functools.lru_cache(maxsize=64)
def is_rtl(locale: str) -> bool:
    """Whether `locale` is written right to left (Arabic, Hebrew, Persian, Urdu...)."""
    try:
        return bool(babel_locale(locale).character_order == "right-to-left")
    except (ValueError, UnknownLocaleError):
        return False


def _render(locale: str, msgid: str, text: str, params: Mapping[str, Any]) -> str:
    return placeholders.render(locale, msgid, text, params, rtl_locale=is_rtl(locale))


def fill(locale: str, text: str, **params: Any) -> str:
    """Fill an already translated text (a shop policy, a template) as `gettext` fills one.

    Right-to-left text gets the same isolates and marks a translated message gets.
    """
    return _render(locale, text, text, params)


def gettext(locale: str, msgid: str, **params: Any) -> str:
    """Translate `msgid` into `locale` and fill its `{name}` placeholders from `params`."""
    if not msgid:
        return msgid  # gettext("") would return the catalog's header
    return _render(locale, msgid, translations(locale).gettext(msgid), params)


def ngettext(locale: str, singular: str, plural: str, n: int, **params: Any) -> str:
    """Translate the plural form for `n` (per the catalog's Plural-Forms) and fill it.

    `n` is also available to the message as `{n}` unless a parameter named `n` is given.
    """
    params.setdefault("n", n)
    text = translations(locale).ngettext(singular, plural, n)
    return _render(locale, singular if n == 1 else plural, text, params)


def translate(locale: str, message: str | tuple[str, str], params: Mapping[str, Any]) -> str:
    """Render a message a flow asked for: a msgid, or a (singular, plural) pair.

    A pair is a plural message marked with `flows.types.Nn_`; its count is the
    parameter `n`, and the catalog's Plural-Forms pick the form (Arabic has six).
    """
    if isinstance(message, tuple):
        singular, plural = message
        values = dict(params)
        count = values.pop("n", None)
        if not isinstance(count, int):
            log.warning("i18n: plural message %r rendered without an integer n", singular)
            count = 0
        return ngettext(locale, singular, plural, count, **values)
    return gettext(locale, message, **params)
