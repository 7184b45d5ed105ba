"""Reading shoppers' words: concepts across languages, stems, typos, prices and sizes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.catalog.query import parse, size_term
from bot.catalog.text import analyze, build_lexicon, fold, stem
from bot.catalog.typos import TypoIndex, distance


def terms(text: str) -> list[str]:
    return [t for token in analyze(text) for t in token.terms]


@pytest.mark.parametrize(
    ("words", "concepts"),
    [
        ("sneakers", ["@sneaker"]),
        ("zapatillas", ["@sneaker"]),
        ("tênis", ["@sneaker"]),
        ("chaqueta impermeable", ["@jacket", "@waterproof"]),
        ("jaqueta impermeável", ["@jacket", "@waterproof"]),
        ("fone de ouvido sem fio", ["@headphones", "@wireless"]),
        ("auriculares inalámbricos", ["@headphones", "@wireless"]),
        ("vermelhas", ["@red"]),
        ("rojos", ["@red"]),
        ("à prova d'água", ["@waterproof"]),
        ("raincoat", ["@jacket", "@rain"]),
        ("bonés", ["@hat"]),
    ],
)
def test_words_of_any_language_meet_as_concepts(words: str, concepts: list[str]) -> None:
    assert terms(words) == concepts


def test_shopping_words_carry_nothing_to_search_for() -> None:
    assert terms("do you have any?") == []
    assert terms("¿tienen algo?") == []
    assert terms("vocês tem?") == []


def test_wool_in_portuguese_is_not_the_spanish_article() -> None:
    assert terms("lã") == ["@wool"]
    assert terms("la") == []


def test_a_stem_meets_stems_only() -> None:
    # "capa" (a cover in Portuguese) must not become "cap" (a hat).
    assert "@hat" not in terms("capa")


def test_plurals_and_genders_stem_alike() -> None:
    assert stem("chaquetas") == stem("chaqueta")
    assert stem(fold("botões")) == stem("botao")
    assert stem("glasses") == stem("glass")
    assert stem("42") == "42"


def test_folding_removes_accents_and_case() -> None:
    assert fold("Impermeável ÁGUA") == "impermeavel agua"


def test_a_lexicon_of_ones_own_is_read_the_same_way() -> None:
    lex = build_lexicon({
        "stopwords": {"en": ["the"]},
        "concepts": {"mug": {"en": ["mug", "cup"], "es": ["taza"]}},
        "phrases": {"coffee mug": ["mug", "coffee"]},
        "parents": {},
    })
    assert [t.terms for t in analyze("the coffee mug", lex)] == [("@mug", "@coffee")]
    assert [t.terms for t in analyze("tazas", lex)] == [("@mug",)]
    assert lex.name("@mug", "es") == "taza"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("jaket", "jacket"), ("mochilla", "mochila"), ("backpak", "backpack"),
     ("impermiable", "impermeable"), ("headfones", "headphones")],
)
def test_typos_find_the_word_meant(typed: str, meant: str) -> None:
    typos = TypoIndex.build(["jacket", "mochila", "backpack", "jackets"],
                            far=["impermeable", "headphones"])
    assert meant in typos.lookup(typed)


def test_short_words_are_never_corrected() -> None:
    typos = TypoIndex.build(["bag", "bat", "hat"])
    assert typos.lookup("bga") == []
    assert typos.lookup("bag") == []


def test_edit_distance_counts_swaps_as_one() -> None:
    assert distance("jacket", "jakcet", 2) == 1
    assert distance("jacket", "jacket", 2) == 0
    assert distance("jacket", "pocket", 1) == 2  # capped at limit + 1


@pytest.mark.parametrize(
    ("query", "locale", "currency", "low", "high", "named"),
    [
        ("waterproof jacket under 100", "en", "USD", None, "100", None),
        ("below $80", "en", "MXN", None, "80", "MXN"),
        ("headphones $50", "en", "USD", None, "50", "USD"),
        ("less than 30 euros", "en", "USD", None, "30", "EUR"),
        ("menos de 200 reais", "pt_BR", "BRL", None, "200", "BRL"),
        ("até 300", "pt_BR", "BRL", None, "300", None),
        ("ate R$ 1.200,50", "pt_BR", "BRL", None, "1200.50", "BRL"),
        ("entre 20 y 40", "es", "MXN", "20", "40", None),
        ("entre 40 e 20 reais", "pt_BR", "BRL", "20", "40", "BRL"),
        ("between 20 and 40 dollars", "en", "MXN", "20", "40", "USD"),
        ("de 20 a 40 pesos", "es", "MXN", "20", "40", "MXN"),
        ("100 dollars or less", "en", "EUR", None, "100", "USD"),
        ("more than 49.90", "en", "USD", "49.90", None, None),
        ("a partir de 150", "pt_BR", "BRL", "150", None, None),
    ],
)
def test_price_limits_are_read_in_the_shoppers_words(
    query: str, locale: str, currency: str, low: str | None, high: str | None,
    named: str | None,
) -> None:
    parsed = parse(query, locale=locale, currency=currency)
    assert parsed.price_min == (Decimal(low) if low else None)
    assert parsed.price_max == (Decimal(high) if high else None)
    assert parsed.currency == named


def test_a_price_limit_leaves_the_words_to_search_for() -> None:
    parsed = parse("mochila menos de 200 reais", locale="pt_BR", currency="BRL")
    assert [t.terms for t in parsed.tokens] == [("@backpack",)]


def test_a_bare_number_is_not_a_price() -> None:
    parsed = parse("tent for 4", locale="en", currency="USD")
    assert parsed.price_max is None and parsed.price_min is None
    assert [t.surface for t in parsed.tokens if t.number] == ["4"]


@pytest.mark.parametrize(
    ("query", "sizes"),
    [("zapatillas talla 42", ("size:42",)), ("camiseta talla M", ("size:m",)),
     ("tênis tamanho 40", ("size:40",)), ("shirt size xl", ("size:xl",)),
     ("camiseta tamanho G", ("size:l",)), ("what sizes?", ())],
)
def test_sizes_are_read_and_written_one_way(query: str, sizes: tuple[str, ...]) -> None:
    assert parse(query, locale="en").sizes == sizes


def test_size_values_of_catalogs_and_shoppers_meet() -> None:
    assert size_term("M") == size_term("medium") == size_term("Mediano") == "size:m"
    assert size_term("42,5") == "size:42.5"
