"""Every shipped locale translates every message, nothing fuzzy, placeholders intact.

The messages are what extraction finds in the source now (run in-process with
locales/babel.cfg, so a stale messages.pot cannot hide a new message) together with
those of locales/messages.pot. To fix a failure: `scripts/i18n update`, translate the
entries listed, remove "#, fuzzy" once a translation is checked.
"""

from __future__ import annotations

import functools
import re
import shutil
import string
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import i18n

ROOT = i18n.LOCALES_DIR.parent
TEMPLATE = i18n.LOCALES_DIR / "messages.pot"
CATALOGS = [
    locale
    for locale in i18n.SUPPORTED
    if (i18n.LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").is_file()
]
# English is the source language: an English catalog may exist to fix wording, but a
# message it leaves untranslated is simply shown as written.
TRANSLATED = [locale for locale in CATALOGS if locale != i18n.SOURCE_LOCALE]
PERCENT_FIELD = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


@functools.cache
def extracted() -> Catalog:
    """The messages the source holds now, found the way `scripts/i18n extract` finds them."""
    with (i18n.LOCALES_DIR / "babel.cfg").open(encoding="utf-8") as config:
        mapping = parse_mapping_cfg(config, "babel.cfg")  # type: ignore[no-untyped-call]
    method_map, options_map = mapping
    catalog = Catalog(domain=i18n.DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


@functools.cache
def expected() -> dict[tuple[str, str | None], Message]:
    """Messages every shipped locale must translate: extracted now, or in the .pot."""
    messages = {_key(m): m for m in extracted() if m.id}
    if TEMPLATE.is_file():
        with TEMPLATE.open("rb") as pot:
            messages |= {_key(m): m for m in read_po(pot) if m.id and _key(m) not in messages}
    return messages


def load(locale: str) -> Catalog:
    """Read a shipped locale's .po."""
    with (i18n.LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale, domain=i18n.DOMAIN)


def fields(text: str) -> frozenset[str]:
    """The placeholders of a message: `{name}` fields and `%(name)s` (Jinja) fields.

    Raises ValueError when braces are broken ("{name", "name}"), as `str.format` would.
    """
    names = {
        "{" + re.split(r"[.\[]", field)[0] + "}"
        for _, field, _, _ in string.Formatter().parse(text)
        if field is not None
    }
    names |= {f"%({name})" for name in PERCENT_FIELD.findall(text)}
    return frozenset(names)


def _key(message: Message) -> tuple[str, str | None]:
    """How gettext finds a message: its singular msgid and its context."""
    return _ids(message)[0], message.context


def _ids(message: Message) -> tuple[str, ...]:
    value = message.id
    return (value,) if isinstance(value, str) else tuple(value)


def _strings(message: Message) -> tuple[str, ...]:
    value = message.string
    if isinstance(value, str):
        return (value,)
    return tuple(value) if value else ("",)


def problems(catalog: Catalog, required: Iterable[Message], *, source: bool = False) -> list[str]:
    """Everything wrong with one locale's catalog, one line per message.

    A `source` (English) catalog may leave messages untranslated; nothing else may.
    Each plural form must carry every placeholder of the msgid and msgid_plural:
    in many languages the "one" form also covers 21, 31..., so dropping {n} is a bug.
    """
    found: list[str] = []
    present = {_key(m) for m in catalog if m.id}
    if not source:
        found += [f"missing: {m.id!r}" for m in required if _key(m) not in present]
    for message in catalog:
        if not message.id:
            continue
        strings = _strings(message)
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        if not source and not all(strings):
            found.append(f"untranslated: {message.id!r}")
        if message.pluralizable and len(strings) != catalog.num_plurals:
            found.append(f"{len(strings)} plural forms, not {catalog.num_plurals}: {message.id!r}")
        try:
            wanted = frozenset().union(*(fields(i) for i in _ids(message)))
        except ValueError:
            found.append(f"broken placeholder in the msgid: {message.id!r}")
            continue
        for index, text in enumerate(strings):
            if not text:
                continue
            try:
                have = fields(text)
            except ValueError:
                have = frozenset({"<broken braces>"})
            if have != wanted:
                form = f" (form {index})" if message.pluralizable else ""
                found.append(
                    f"placeholders{form} {sorted(have)} != {sorted(wanted)}: {message.id!r}"
                )
    return found


def test_extraction_finds_the_messages_of_the_source() -> None:
    # An empty result would mean babel.cfg's patterns match nothing, and every check
    # below would pass vacuously.
    assert len(extracted()) > 0


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders(locale: str) -> None:
    found = problems(load(locale), expected().values())
    assert not found, f"{locale}: {len(found)} problems\n" + "\n".join(found)


@pytest.mark.parametrize("locale", CATALOGS)
def test_a_source_catalog_has_nothing_fuzzy_or_broken(locale: str) -> None:
    found = problems(load(locale), (), source=True)
    assert not found, f"{locale}:\n" + "\n".join(found)


@pytest.mark.parametrize("locale", CATALOGS)
def test_the_header_names_the_locale_and_babels_plural_rule(locale: str) -> None:
    catalog = load(locale)
    rule = get_plural(locale)
    assert str(catalog.locale) == locale
    assert (catalog.num_plurals, catalog.plural_expr) == (rule.num_plurals, rule.plural_expr)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_a_translated_message_comes_back_through_gettext(locale: str) -> None:
    message = next((m for m in load(locale) if m.id and m.string and not m.fuzzy), None)
    if message is None:
        pytest.skip(f"{locale} has no translations yet")
    loaded = i18n.load_translations(i18n.LOCALES_DIR, locale)
    if message.pluralizable:
        singular, plural = _ids(message)[:2]
        assert loaded.ngettext(singular, plural, 1) in _strings(message)
    else:
        assert loaded.gettext(_ids(message)[0]) == message.string


def test_pybabel_compiles_every_catalog_to_the_same_translations(tmp_path: Path) -> None:
    # What `scripts/i18n compile` (run by `./dev run`) does, on a copy of the catalogs:
    # the .mo files it writes must say what souk's in-memory compilation says.
    copy = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(copy),
         "-D", i18n.DOMAIN, "--statistics"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    for locale in TRANSLATED:
        mo = copy / locale / "LC_MESSAGES" / "messages.mo"
        assert mo.is_file(), f"no .mo for {locale}: {done.stderr}"
        compiled = i18n.load_translations(copy, locale)
        for message in load(locale):
            if message.id and not message.pluralizable:
                assert compiled.gettext(message.id) == message.string


# -- the check itself must be able to fail ------------------------------------------


def _catalog(*messages: Message, locale: str = "es") -> Catalog:
    catalog = Catalog(locale=locale)
    for message in messages:
        catalog[message.id] = message
    return catalog


def test_the_check_reports_each_kind_of_problem() -> None:
    required = [Message("Hi {name}"), Message("Bye"), Message("Gone")]
    catalog = _catalog(
        Message("Hi {name}", "Hola {nombre}"),
        Message("Bye", "Adiós", flags=["fuzzy"]),
        Message(("{n} item", "{n} items"), ("un artículo", "{n} artículos")),
        Message("Total {total", "Total {total}"),
    )
    found = "\n".join(problems(catalog, required))
    assert "missing: 'Gone'" in found
    assert "fuzzy: 'Bye'" in found
    assert "placeholders ['{nombre}'] != ['{name}']: 'Hi {name}'" in found
    assert "placeholders (form 0) [] != ['{n}']" in found
    assert "broken placeholder in the msgid" in found


def test_the_check_passes_a_complete_catalog() -> None:
    required = [Message("Hi {name}"), Message(("{n} item", "{n} items"))]
    catalog = _catalog(
        Message("Hi {name}", "¡Hola, {name}!"),
        Message(("{n} item", "{n} items"), ("{n} artículo", "{n} artículos")),
    )
    assert problems(catalog, required) == []


def test_the_check_counts_plural_forms_by_the_catalogs_rule() -> None:
    catalog = _catalog(Message(("{n} day", "{n} days"), ("{n} 日",)), locale="ja")
    assert problems(catalog, []) == []
    catalog = _catalog(Message(("{n} day", "{n} days"), ("{n} día",)), locale="es")
    assert problems(catalog, []) == ["1 plural forms, not 2: ('{n} day', '{n} days')"]
