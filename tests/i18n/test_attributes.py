"""Colours and sizes are found in every shipped language, as the catalog stores them."""

from __future__ import annotations

import tomllib

import pytest

from bot import attributes
from bot.attributes import Attributes, find

# One line per shipped locale at least, as shoppers write them.
LINES = [
    ("do you have it in red, size M?", ("red",), ("m",)),
    ("hay la playera negra en talla CH?", ("black",), ("s",)),
    ("camiseta azul marino, talla grande", ("navy",), ("l",)),
    ("tem esse tênis preto no tamanho G?", ("black",), ("l",)),
    ("vous l'avez en bleu marine taille XL ?", ("navy",), ("xl",)),
    ("gibt es die Jacke in Schwarz, Größe L?", ("black",), ("l",)),
    ("kak ada kaos hitam ukuran XL?", ("black",), ("xl",)),
    ("عندكم الفستان الأحمر مقاس L؟", ("red",), ("l",)),
    ("这件有没有黑色的M码", ("black",), ("m",)),
    ("Lサイズの黒いシャツはありますか", ("black",), ("l",)),
    ("เสื้อสีขาวไซส์ M มีไหมคะ", ("white",), ("m",)),
    ("áo này có màu đỏ size M không shop", ("red",), ("m",)),
    ("siyah elbisenin M bedeni var mı", ("black",), ("m",)),
    ("white or green?", ("white", "green"), ()),
    ("pequeño y mediano", (), ("s", "m")),
]


@pytest.mark.parametrize(("text", "colors", "sizes"), LINES)
def test_colours_and_sizes_are_found_in_every_language(
    text: str, colors: tuple[str, ...], sizes: tuple[str, ...]
) -> None:
    assert find(text) == Attributes(colors, sizes)


@pytest.mark.parametrize(
    "text",
    [
        "do you ship to spain",  # Vietnamese "đỏ" is red; English "do" is not
        "黑龙江 发货吗",  # 黑 alone is not black inside a place name
        "P",  # an Indonesian "ping", not a Brazilian small, unless a size was asked for
        "I'm at the mall",
    ],
)
def test_ordinary_words_are_not_colours_or_sizes(text: str) -> None:
    assert find(text) == Attributes()


def test_a_letter_is_a_size_when_a_size_was_asked_for() -> None:
    assert find("M", sizes_expected=True) == Attributes((), ("m",))
    assert find("GG", sizes_expected=True) == Attributes((), ("xl",))
    assert find("M") == Attributes()


def test_the_longest_name_wins() -> None:
    assert find("azul marino") == Attributes(("navy",), ())
    assert find("extra grande") == Attributes((), ("xl",))


def test_every_canonical_value_is_lower_case_english() -> None:
    data = tomllib.loads(attributes.TABLE.read_text(encoding="utf-8"))
    sizes = {"xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"}
    assert set(data["sizes"]) <= sizes and set(data["size_letters"]) <= sizes
    assert all(name.isascii() and name.islower() for name in data["colors"])
