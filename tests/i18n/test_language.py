"""Which language a shopper writes in, asks for, or probably speaks.

tests/fixtures/language_lines.tsv holds chat lines as shoppers type them in the twelve
shipped languages, and lines too short to say anything. Detection is scored with the
shipped locales (`i18n.SUPPORTED`, what the engine uses); other tests pass a narrower
set to show how a language we do not ship is treated.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import i18n, nlu
from bot.language import choose, country_locales, country_of, detect, from_phone, requested

TABLE = Path(__file__).resolve().parent.parent / "fixtures" / "language_lines.tsv"
WIDE = ("en", "es", "pt_BR", "fr", "de", "id", "ar", "zh_Hans", "th", "vi", "tr", "ja")
SHIPPED = ("en", "es", "pt_BR")
MIN_ACCURACY = 0.95  # on lines of three words or more, as issue 7 asks
MIN_PER_LANGUAGE = 0.85


def read_table() -> list[tuple[str, str | None]]:
    """(text, expected locale or None) for every line of the fixture."""
    rows: list[tuple[str, str | None]] = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, expected = line.split("\t")
            rows.append((text, None if expected == "-" else expected))
    return rows


def word_count(text: str) -> int:
    """Words, counting Chinese, Japanese and Thai by letters as bot/nlu.py does."""
    return nlu.units(nlu.normalize(text))


ROWS = read_table()
SENTENCES = [(text, locale) for text, locale in ROWS if locale is not None]
SHORT = [text for text, locale in ROWS if locale is None]


def test_the_table_covers_every_shipped_language_with_real_lines() -> None:
    assert set(i18n.SUPPORTED) == set(WIDE)
    assert len(SENTENCES) >= 150
    assert sum(word_count(text) >= 3 for text, _ in SENTENCES) >= 100
    assert set(Counter(locale for _, locale in SENTENCES)) == set(WIDE)
    assert all(locale in WIDE for _, locale in SENTENCES)


def test_detection_is_accurate_on_real_chat_lines(capsys: pytest.CaptureFixture[str]) -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    long_right = long_total = 0
    misses: list[str] = []
    for text, expected in SENTENCES:
        assert expected is not None
        got = detect(text)  # the shipped locales
        total[expected] += 1
        right[expected] += got == expected
        if word_count(text) >= 3:
            long_total += 1
            long_right += got == expected
        if got != expected:
            misses.append(f"  {expected:7} got {got!s:7} {text}")
    overall = sum(right.values()) / sum(total.values())
    long_accuracy = long_right / long_total
    report = "\n".join(
        [f"language detection on {TABLE.name}, shipped locales:"]
        + [
            f"  {lang:7} {right[lang]:3}/{total[lang]:<3} {right[lang] / total[lang]:6.1%}"
            for lang in WIDE
        ]
        + [f"  overall {sum(right.values()):3}/{sum(total.values()):<3} {overall:6.1%}"]
        + [f"  3+ words {long_right:3}/{long_total:<3} {long_accuracy:6.1%}"]
        + (["misses:", *misses] if misses else [])
    )
    with capsys.disabled():
        print("\n" + report)
    assert long_accuracy >= MIN_ACCURACY, report
    assert all(right[lang] / total[lang] >= MIN_PER_LANGUAGE for lang in WIDE), report


@pytest.mark.parametrize("text", SHORT)
def test_a_line_too_short_to_tell_detects_nothing(text: str) -> None:
    assert detect(text, WIDE) is None


@pytest.mark.parametrize(
    "text",
    [
        "ciao, quanto costa la spedizione per milano?",
        "ik wil mijn bestelling annuleren alsjeblieft",
        "witam, kiedy wyślecie moje zamówienie",
    ],
)
def test_a_language_we_do_not_speak_is_not_mistaken_for_one_we_do(text: str) -> None:
    assert detect(text, WIDE) is None


def test_detection_only_answers_with_a_supported_locale() -> None:
    assert detect("bonjour, vous livrez en belgique ?", SHIPPED) is None
    assert detect("bonjour, vous livrez en belgique ?", (*SHIPPED, "fr")) == "fr"
    assert detect("我的订单什么时候发货", ("en", "zh_CN")) == "zh_CN"
    assert detect("oi, vc tem esse tenis no 40?") == "pt_BR"  # i18n.SUPPORTED by default


def test_scripts_of_one_language_decide_by_script() -> None:
    assert detect("這個還有貨嗎？運費多少", (*WIDE, "zh_Hant")) == "zh_Hant"
    assert detect("這個還有貨嗎？運費多少", WIDE) is None  # Traditional is not zh_Hans
    assert detect("این کفش چند است؟ ارسال دارید", WIDE) is None  # Persian, not Arabic


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("English please", "en"),
        ("in english", "en"),
        ("can u speak english pls", "en"),
        ("ENGLISH!!", "en"),
        ("inglés", "en"),
        ("em português", "pt_BR"),
        ("português", "pt_BR"),
        ("Você fala português?", "pt_BR"),
        ("español por favor", "es"),
        ("hablas español?", "es"),
        ("¿Puedes hablar en español?", "es"),
        ("français", "fr"),
        ("parlez-vous français ?", "fr"),
        ("deutsch", "de"),
        ("sprechen sie deutsch?", "de"),
        ("bahasa indonesia", "id"),
        ("pakai bahasa indonesia dong kak", "id"),
        ("中文", "zh_Hans"),
        ("请说中文", "zh_Hans"),
        ("عربي", "ar"),
        ("بالعربي لو سمحت", "ar"),
        ("日本語", "ja"),
        ("日本語でお願いします", "ja"),
        ("ภาษาไทย", "th"),
        ("tiếng việt", "vi"),
        ("türkçe lütfen", "tr"),
        ("İngilizce", "en"),
    ],
)
def test_an_explicit_request_names_the_locale(text: str, locale: str) -> None:
    assert requested(text, WIDE) == locale


@pytest.mark.parametrize(
    "text",
    [
        "i dont speak english",
        "english or spanish?",
        "i bought the english edition",
        "do you ship to spain",
        "indonesia",  # a country, e.g. the answer to "where do we ship?"
        "ok",
        "1",
        "",
        "繁體中文",  # Traditional Chinese: not zh_Hans
    ],
)
def test_other_lines_are_not_requests(text: str) -> None:
    assert requested(text, WIDE) is None


def test_a_request_for_a_language_we_do_not_ship_is_none() -> None:
    assert requested("français", SHIPPED) is None
    assert requested("english please", SHIPPED) == "en"


@pytest.mark.parametrize(
    ("phone", "country", "locale"),
    [
        ("+5511987654321", "BR", "pt_BR"),
        ("whatsapp:+5511987654321", "BR", "pt_BR"),
        ("+525512345678", "MX", "es"),
        ("+14155550100", "US", "en"),
        ("+34612345678", "ES", "es"),
        ("+351912345678", "PT", "pt_BR"),  # while pt_BR is our only Portuguese
        ("+4915112345678", "DE", None),  # until de ships
        ("+819012345678", "JP", None),
        ("telegram:123456789", None, None),
        ("+999", None, None),
        ("5511987654321", None, None),
    ],
)
def test_a_phone_suggests_its_countrys_main_language(
    phone: str, country: str | None, locale: str | None
) -> None:
    assert country_of(phone) == country
    assert from_phone(phone, SHIPPED) == locale


def test_a_phone_suggests_a_language_once_its_catalog_ships() -> None:
    assert from_phone("+4915112345678", (*SHIPPED, "de")) == "de"
    assert from_phone("+819012345678", WIDE) == "ja"
    assert from_phone("+886912345678", WIDE) is None  # Taiwan writes Traditional Chinese


@pytest.mark.parametrize(
    ("phone", "locale"),
    [
        ("+4915112345678", "de"), ("+33612345678", "fr"), ("+6281234567890", "id"),
        ("+966501234567", "ar"), ("+201001234567", "ar"), ("+8613812345678", "zh_Hans"),
        ("+66812345678", "th"), ("+84912345678", "vi"), ("+905321234567", "tr"),
        ("+819012345678", "ja"), ("+5511987654321", "pt_BR"), ("+525512345678", "es"),
    ],
)
def test_every_shipped_language_has_a_country_whose_phones_suggest_it(
    phone: str, locale: str
) -> None:
    assert from_phone(phone) == locale


@pytest.mark.parametrize(
    ("country", "locales"),
    [("CH", ("de", "fr")), ("SG", ("en", "zh_Hans")), ("BE", ("fr", "de")), ("BR", ("pt_BR",)),
     ("CA", ("en", "fr")), ("KR", ()), (None, ())],
)
def test_a_countrys_languages_are_listed_most_spoken_first(
    country: str | None, locales: tuple[str, ...]
) -> None:
    assert country_locales(country) == locales


def choice(text: str, **context: str | None) -> tuple[str, str]:
    return choose(text, supported=SHIPPED, default="en", **context)


def test_an_explicit_request_wins_over_everything() -> None:
    assert choice("english please", current="es", hint="pt-BR", phone="+5511987654321") == (
        "en",
        "requested",
    )


def test_a_real_sentence_wins_over_the_current_language() -> None:
    assert choice("quero trocar o tamanho pq ficou pequeno", current="es") == ("pt_BR", "detected")


@pytest.mark.parametrize("text", ["ok", "1", "👍", "hi", "obrigado", "gracias", "sim", ""])
def test_a_short_message_keeps_the_current_language(text: str) -> None:
    assert choice(text, current="es", hint="en", phone="+5511987654321") == ("es", "current")


def test_without_a_current_language_the_channel_hint_comes_next() -> None:
    assert choice("ok", hint="pt-br", phone="+525512345678") == ("pt_BR", "hint")


def test_an_unsupported_hint_falls_through_to_the_phone() -> None:
    assert choice("ok", hint="de", phone="+525512345678") == ("es", "phone")


def test_with_nothing_to_go_on_the_shop_default_is_used() -> None:
    assert choose("👍", supported=SHIPPED, default="es") == ("es", "default")
    assert choice("ok", phone="+4915112345678") == ("en", "default")


@pytest.mark.parametrize(
    ("text", "locale"),
    [("مرحبا", "ar"), ("👍 شكرا", "ar"), ("你好", "zh_Hans"), ("ครับ", "th"), ("はい", "ja"),
     ("うん", "ja")],
)
def test_a_first_short_line_in_a_one_language_script_beats_the_hint_and_phone(
    text: str, locale: str
) -> None:
    assert choose(text, hint="en", phone="+14155550100", supported=WIDE) == (locale, "script")
    # ...but never switches a conversation already under way.
    assert choose(text, current="es", supported=WIDE) == ("es", "current")


@pytest.mark.parametrize("text", ["ok", "hi مرحبا", "你好 ok", "سلام خوبی؟ ممنون", "안녕", "1"])
def test_mixed_latin_unshipped_or_persian_lines_name_no_script_language(text: str) -> None:
    assert choose(text, phone="+14155550100", supported=WIDE)[1] != "script"


def test_a_current_locale_that_no_longer_ships_is_renegotiated() -> None:
    assert choice("ok", current="pt_PT") == ("pt_BR", "current")


@given(st.text(max_size=80))
def test_any_text_gets_a_supported_locale_or_none(text: str) -> None:
    assert detect(text, WIDE) in (*WIDE, None)
    assert requested(text, WIDE) in (*WIDE, None)
    locale, reason = choose(text, supported=WIDE, default="en")
    assert locale in WIDE
    assert reason in {"requested", "detected", "script", "default"}


def test_the_module_default_is_what_ships() -> None:
    assert detect("quiero cancelar mi pedido por favor") == "es"
    assert set(i18n.SUPPORTED) >= set(SHIPPED)
