"""Messages render in the shopper's locale with their placeholders, whatever the catalog."""

from __future__ import annotations

import logging
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from bot import i18n


def write_catalog(root: Path, locale: str, messages: dict[object, object], *, mo: bool) -> Path:
    """Write `messages` as a .po (and a .mo if asked) under root/<locale>/LC_MESSAGES."""
    catalog = Catalog(locale=locale, domain=i18n.DOMAIN, fuzzy=False)
    for msgid, msgstr in messages.items():
        fuzzy = isinstance(msgstr, str) and msgstr.startswith("FUZZY:")
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])  # type: ignore[arg-type]
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "messages.po").open("wb") as po:
        write_po(po, catalog)
    if mo:
        with (folder / "messages.mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return folder


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Spanish and Brazilian catalogs in a temporary folder, served to gettext."""
    write_catalog(
        tmp_path,
        "es",
        {
            "Hi {name}!": "¡Hola, {name}!",
            "Your total is {total}.": "Tu total es {total.",  # a broken translation
            "Fuzzy one": "FUZZY: no debe usarse",
            ("{n} item", "{n} items"): ("{n} artículo", "{n} artículos"),
        },
        mo=False,
    )
    write_catalog(
        tmp_path,
        "pt_BR",
        {("{n} item", "{n} items"): ("{n} item", "{n} itens")},
        mo=False,
    )
    monkeypatch.setattr(
        i18n, "translations", lambda locale: i18n.load_translations(tmp_path, locale)
    )
    return tmp_path


def test_a_message_is_translated_and_then_filled(catalogs: Path) -> None:
    assert i18n.gettext("es", "Hi {name}!", name="Ana") == "¡Hola, Ana!"


def test_a_missing_parameter_leaves_its_placeholder_and_warns(
    catalogs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        assert i18n.gettext("es", "Hi {name}!") == "¡Hola, {name}!"
    assert "missing ['name']" in caplog.text


def test_a_broken_translation_falls_back_to_the_source_text(
    catalogs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        assert i18n.gettext("es", "Your total is {total}.", total="$5") == "Your total is $5."
    assert "broken placeholder" in caplog.text


def test_a_fuzzy_translation_is_not_used(catalogs: Path) -> None:
    assert i18n.gettext("es", "Fuzzy one") == "Fuzzy one"


def test_an_untranslated_message_comes_back_in_english(catalogs: Path) -> None:
    assert i18n.gettext("es", "Not in the catalog, {who}", who="you") == "Not in the catalog, you"


@pytest.mark.parametrize(
    ("locale", "n", "text"),
    [
        ("es", 1, "1 artículo"),
        ("es", 0, "0 artículos"),
        ("es", 2, "2 artículos"),
        # Plural-Forms for pt_BR is (n > 1): zero takes the singular.
        ("pt_BR", 0, "0 item"),
        ("pt_BR", 1, "1 item"),
        ("pt_BR", 5, "5 itens"),
    ],
)
def test_plural_forms_follow_the_catalogs_rule(
    catalogs: Path, locale: str, n: int, text: str
) -> None:
    assert i18n.ngettext(locale, "{n} item", "{n} items", n) == text


def test_the_english_source_needs_no_catalog() -> None:
    assert i18n.gettext("en", "Hi {name}!", name="Bo") == "Hi Bo!"
    assert i18n.ngettext("en", "{n} item", "{n} items", 1) == "1 item"
    assert i18n.ngettext("en", "{n} item", "{n} items", 0) == "0 items"


def test_a_locale_without_a_catalog_answers_in_english(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.i18n"):
        assert i18n.gettext("nl_unshipped", "Hi {name}!", name="Bo") == "Hi Bo!"
    assert "no catalog for locale 'nl_unshipped'" in caplog.text


def test_format_specs_and_literal_braces_work_like_str_format() -> None:
    assert i18n.gettext("en", "{pct:.0%} off {{today}}", pct=0.25) == "25% off {today}"


def test_an_empty_msgid_is_not_the_catalog_header() -> None:
    assert i18n.gettext("es", "") == ""


def test_n_marks_a_message_and_returns_it_unchanged() -> None:
    assert i18n.N_("Hello") == "Hello"


def test_a_newer_mo_is_used_and_an_older_one_is_ignored(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path, "es", {"Hello": "Hola (mo)"}, mo=True)
    assert i18n.load_translations(tmp_path, "es").gettext("Hello") == "Hola (mo)"
    # Someone edits the .po after compiling: the stale .mo must not win.
    mo_time = (folder / "messages.mo").stat().st_mtime
    write_catalog(tmp_path, "es", {"Hello": "Hola (po)"}, mo=False)
    os.utime(folder / "messages.po", (mo_time + 10, mo_time + 10))
    assert i18n.load_translations(tmp_path, "es").gettext("Hello") == "Hola (po)"


def test_the_shipped_locales_are_english_first_then_each_catalog() -> None:
    assert i18n.SUPPORTED[0] == "en"
    assert {"en", "es", "pt_BR"} <= set(i18n.SUPPORTED)


def test_adding_a_catalog_is_enough_to_ship_a_locale(tmp_path: Path) -> None:
    write_catalog(tmp_path, "fr", {}, mo=False)
    write_catalog(tmp_path, "zh_Hans", {}, mo=False)
    (tmp_path / "not-a-locale" / "LC_MESSAGES").mkdir(parents=True)
    assert i18n._discover(tmp_path) == ("en", "fr", "zh_Hans")


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("pt-br", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt_PT", "pt_BR"),  # the only Portuguese we ship
        ("es-MX", "es"),
        ("es_419", "es"),
        ("en_US", "en"),
        ("en-US,en;q=0.9", "en"),
        ("EN", "en"),
        ("en_US.UTF-8", "en"),
        ("zh-CN", "zh_Hans"),
        ("ZH", "zh_Hans"),
        ("zh-Hans-SG", "zh_Hans"),
        ("zh-TW", None),  # Traditional is not Simplified
        ("zh-Hant", None),
        ("in", "id"),  # the old code some phones still send
        ("fr-CA", "fr"),
        ("de", None),
        ("C", None),
        ("", None),
        (None, None),
    ],
)
def test_negotiate_maps_tags_to_a_shipped_locale(tag: str | None, locale: str | None) -> None:
    assert i18n.negotiate(tag, ("en", "es", "pt_BR", "zh_Hans", "id", "fr")) == locale


def test_negotiate_prefers_the_same_region_then_the_neutral_catalog() -> None:
    assert i18n.negotiate("pt_PT", ("pt_BR", "pt_PT")) == "pt_PT"
    assert i18n.negotiate("pt_AO", ("pt_BR", "pt")) == "pt"
    assert i18n.negotiate("zh-CN", ("zh_TW", "zh_CN")) == "zh_CN"
    assert i18n.negotiate("zh-HK", ("zh_TW", "zh_CN")) == "zh_TW"


def test_negotiate_defaults_to_the_shipped_locales() -> None:
    assert i18n.negotiate("es-AR") == "es"


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("zh-CN", "zh_Hans"), ("zh-Hans", "zh_Hans"), ("zh_SG", "zh_Hans"), ("zh", "zh_Hans"),
        ("zh-TW", None), ("zh-HK", None), ("zh_Hant", None),  # Traditional Chinese
        ("pt-PT", "pt_BR"), ("pt_AO", "pt_BR"),  # while Brazilian is our only Portuguese
        ("ar-EG", "ar"), ("ar_SA", "ar"), ("ar-MA", "ar"), ("fr-CA", "fr"), ("de-AT", "de"),
        ("in", "id"), ("id-ID", "id"), ("ja-JP", "ja"), ("th_TH", "th"), ("vi-VN", "vi"),
        ("tr", "tr"), ("ko", None), ("fa", None),
    ],
)
def test_negotiate_maps_channel_tags_to_the_shipped_catalogs(tag: str, locale: str | None) -> None:
    assert i18n.negotiate(tag) == locale


def test_babel_locale_accepts_our_names_and_bcp47() -> None:
    assert i18n.babel_locale("pt_BR").territory == "BR"
    assert i18n.babel_locale("zh-Hans").script == "Hans"


def test_numbers_and_dates_follow_the_locale() -> None:
    assert i18n.format_number(Decimal("1234.5"), "pt_BR") == "1.234,5"
    assert i18n.format_number(1234567, "en") == "1,234,567"
    assert i18n.format_date(date(2024, 3, 5), "en") == "Mar 5, 2024"
    assert i18n.format_date(date(2024, 3, 5), "pt_BR", format="short") == "05/03/2024"


def test_a_regional_name_finds_its_languages_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, "es", {"Menu": "Menú"}, mo=False)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(i18n, "SUPPORTED", ("en", "es"))
    i18n.translations.cache_clear()
    try:
        assert i18n.gettext("es-MX", "Menu") == "Menú"
        assert i18n.gettext("es_419", "Menu") == "Menú"
        assert i18n.gettext("en_GB", "Menu") == "Menu"
    finally:
        i18n.translations.cache_clear()
