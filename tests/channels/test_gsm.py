"""GSM-7 detection, look-alike replacement, segment counting and splitting of SMS text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.gsm import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    LOOKALIKES,
    encoding,
    is_gsm7,
    segments,
    split_sms,
    split_text,
    to_gsm7,
)


@pytest.mark.parametrize(
    "text",
    ["Hello @ £ $ ¥ è é ù ì ò Ç Ø å Δ _ ß É ¡ Ä Ö Ñ Ü § ¿ ä ö ñ ü à", "€ [x] {y} ~ | ^ \\", ""],
)
def test_gsm7_alphabet_includes_basic_and_extension_characters(text: str) -> None:
    assert is_gsm7(text)
    assert encoding(text) == "gsm7"


@pytest.mark.parametrize("text", ["ação", "ç", "á", "ő", "😀", "Привет", "a\tb", "`"])
def test_characters_outside_gsm7_need_ucs2(text: str) -> None:
    assert not is_gsm7(text)
    assert encoding(text) == "ucs2"


def test_to_gsm7_replaces_lookalikes_when_that_makes_the_text_gsm7() -> None:
    fancy = "It\u2019s \u201cready\u201d \u2014 pick\u00a0up\u2026 caf\u00e9 \u2013 se\u00f1or"
    assert to_gsm7(fancy) == 'It\'s "ready" - pick up... café - señor'


def test_to_gsm7_removes_invisible_format_characters() -> None:
    assert to_gsm7("pay\u200bment\ufeff") == "payment"


@pytest.mark.parametrize(
    "text",
    [
        "A ação \u201cnova\u201d",  # ã and ç need UCS-2: the quotes stay curly too
        "Olá \u2014 tudo bem?",  # á is not GSM-7
        "Done \u2705 \u2026",  # emoji
    ],
)
def test_to_gsm7_leaves_text_that_needs_ucs2_untouched(text: str) -> None:
    assert to_gsm7(text) == text


def test_lookalikes_never_map_letters_or_to_non_gsm() -> None:
    for fancy, plain in LOOKALIKES.items():
        # Modifier letters (Lm) such as U+02BC are apostrophes in all but name.
        assert unicodedata.category(fancy) not in ("Lu", "Ll", "Lt", "Lo")
        assert is_gsm7(plain)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters take two septets
        ("€" * 81, 2),
        # an escaped character never straddles segments: 152 + [€ + 151] + 1
        ("a" * 152 + "€" + "a" * 152, 3),
        ("ç" * 70, 1),
        ("ç" * 71, 2),
        ("ç" * 134, 2),
        ("ç" * 135, 3),
        ("😀" * 35, 1),  # 70 UTF-16 code units
        ("😀" * 36, 2),
        # a surrogate pair never straddles segments: 66 + [pair + 65] + 1
        ("ç" * 66 + "😀" + "ç" * 66, 3),
    ],
)
def test_segments_count_like_a_phone(text: str, expected: int) -> None:
    assert segments(text) == expected


def test_short_text_is_one_part() -> None:
    assert split_sms("  Your order 1042 has shipped.  ") == ["Your order 1042 has shipped."]
    assert split_sms("   ") == []


def test_split_prefers_paragraphs_then_sentences_then_words() -> None:
    para1 = "First paragraph. " * 20  # 340 characters
    para2 = "Second paragraph. " * 20
    parts = split_sms(para1.strip() + "\n\n" + para2.strip(), max_segments=3)
    assert parts == [para1.strip(), para2.strip()]

    sentences = " ".join(f"Sentence number {n} is here." for n in range(40))
    parts = split_sms(sentences, max_segments=2)
    assert len(parts) > 1
    assert all(part.endswith(".") for part in parts)

    words = " ".join(["word"] * 400)
    parts = split_sms(words, max_segments=1)
    assert all(set(part.split()) == {"word"} for part in parts)


def test_option_lines_are_not_mistaken_for_sentence_ends() -> None:
    text = "Choose one.\n" + "\n".join(f"{n}. Product number {n}" for n in range(1, 60))
    for part in split_sms(text, max_segments=2):
        for line in part.splitlines()[1:]:
            assert line.split(". ", 1)[0].isdigit() or line == "Choose one."


def test_each_part_respects_the_segment_budget_and_twilio_limit() -> None:
    text = ("Olá, seu pedido está a caminho. " * 60).strip()
    for max_segments in (1, 2, 4, 20):
        parts = split_sms(text, max_segments=max_segments)
        assert all(segments(part) <= max_segments for part in parts)
        assert all(len(part) <= 1600 for part in parts)


def test_a_word_longer_than_a_part_is_cut_without_tearing_emoji() -> None:
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
    text = family * 60 + " " + "x" * 700
    parts = split_sms(text, max_segments=1)
    assert "".join(parts) == text.replace(" ", "")
    for part in parts:
        assert not part.startswith("\u200d") and not part.endswith("\u200d")
        assert segments(part) == 1


def test_split_text_splits_by_characters_for_whatsapp() -> None:
    text = "\n\n".join(["Paragraph " + "z" * 900] * 3)
    parts = split_text(text)
    assert [len(p) for p in parts] == [910, 910, 910]


def test_split_rejects_impossible_budgets() -> None:
    with pytest.raises(ValueError):
        split_sms("hi", max_segments=0)
    with pytest.raises(ValueError):
        split_text("hi", max_chars=1)


_GSM_CHARS = sorted(GSM7_BASIC | GSM7_EXTENSION)
_texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(_GSM_CHARS),
        st.sampled_from(sorted(LOOKALIKES)),
        st.sampled_from(" \n\n.!?"),
        st.characters(codec="utf-8"),
    ),
    max_size=2500,
)

# Long texts made of words, sentences, paragraphs, emoji and long unbroken tokens, so
# that every kind of cut is exercised (plain st.text() rarely needs more than one part).
_tokens = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12),
    st.sampled_from(["pedido.", "ação!", "Olá?", "\n", "\n\n", "1.", "\u2014", "\U0001f600"]),
    st.text(alphabet="abcdefghij/:.-", min_size=100, max_size=900),
)
_long_texts = st.lists(_tokens, min_size=20, max_size=400).map(" ".join)


def _visible(text: str) -> str:
    """Characters a reader sees: not whitespace, not invisible format characters."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


@settings(max_examples=200, deadline=None)
@given(st.one_of(_texts, _long_texts), st.integers(min_value=1, max_value=10))
def test_split_sms_never_loses_a_character(text: str, max_segments: int) -> None:
    parts = split_sms(text, max_segments=max_segments)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
    assert all(part and part == part.strip() for part in parts)
    assert all(segments(p) <= max_segments and len(p) <= 1600 for p in parts)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_texts, _long_texts))
def test_to_gsm7_never_loses_a_visible_character(text: str) -> None:
    result = to_gsm7(text)
    if result == text:
        return
    assert is_gsm7(result)
    # Only look-alikes changed: spell each one out and the texts agree.
    assert result == "".join(LOOKALIKES.get(c, c) for c in text)
    assert len(_visible(result)) >= len(_visible(text)) - sum(
        1 for c in text if LOOKALIKES.get(c) == ""
    )


@settings(max_examples=100, deadline=None)
@given(_long_texts)
def test_split_text_never_loses_a_character(text: str) -> None:
    parts = split_text(text, max_chars=300)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
    assert all(len(p.encode("utf-16-le")) <= 600 for p in parts)
