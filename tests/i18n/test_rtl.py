"""Arabic replies with numbers, prices, codes and Latin names read right to left, whole.

The shipped Arabic catalog is rendered as shoppers receive it, then laid out with the
Unicode bidirectional algorithm (python-bidi) to check what the screen shows.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from bidi import get_display

from bot import i18n
from channels import bidi

CONTROLS = str.maketrans(dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069")))
HELP = (
    "{shop}: I can find products, take your order and tell you where it is. Write MENU for "
    "options or PERSON to reach someone. Reply STOP to stop messages."
)
GREETING = "Hi {name}! Welcome to {shop}. How can I help you today?"


def visual(line: str) -> str:
    return str(get_display(line)).translate(CONTROLS)


def test_arabic_is_the_only_right_to_left_locale_we_ship() -> None:
    assert [loc for loc in i18n.SUPPORTED if i18n.is_rtl(loc)] == ["ar"]
    assert i18n.is_rtl("ar_EG") and not i18n.is_rtl("fr") and not i18n.is_rtl("xx")


def test_a_message_that_starts_with_a_latin_name_still_reads_right_to_left() -> None:
    text = i18n.gettext("ar", HELP, shop="Souk Demo Shop")
    assert text.startswith(bidi.RLM + bidi.isolate("Souk Demo Shop") + ":")
    # Without the mark and isolate the line would start on the left with the name;
    # laid out right to left, the name is the first thing read: at the right end.
    assert visual(text).endswith(":Souk Demo Shop")
    assert visual(HELP.format(shop="Souk Demo Shop")).startswith("Souk Demo Shop:")


def test_names_inside_an_arabic_sentence_are_isolated() -> None:
    text = i18n.gettext("ar", GREETING, name="Ana María 2", shop="Souk Demo Shop")
    assert "\u2068Ana María 2\u2069" in text and "\u2068Souk Demo Shop\u2069" in text
    shown = visual(text)
    assert "Ana María 2" in shown and "Souk Demo Shop" in shown


def test_a_price_and_an_order_code_stay_whole_and_in_reading_order() -> None:
    template = "المجموع {total}، رقم الطلب {number}."  # "total {total}, order number {number}."
    total = i18n.format_money(Decimal("1234.5"), "USD", "ar", country="EG")
    text = i18n.fill("ar", template, total=total, number="#1042-A")
    shown = visual(text)
    assert "#1042-A" in shown
    assert "$US\xa01,234.50" in shown  # read right to left: 1,234.50 US$
    assert shown.index("#1042-A") < shown.index("1,234.50")  # the code is read after the total
    # The same text without isolates tears the code apart: the check above can fail.
    assert "#1042-A" not in visual(template.format(total=total, number="#1042-A"))


def test_a_link_is_left_bare_so_phones_still_detect_it() -> None:
    text = i18n.fill("ar", "ادفع هنا: {url}", url="https://pay.example/t/abc123")
    assert text.endswith(" https://pay.example/t/abc123")


def test_an_untranslated_english_message_is_not_turned_right_to_left() -> None:
    assert i18n.gettext("ar", "Not translated yet, {name}.", name="Ana") == (
        "Not translated yet, Ana."
    )


def test_left_to_right_locales_get_no_controls() -> None:
    text = i18n.gettext("fr", GREETING, name="Ana", shop="Souk Demo Shop")
    assert text == (
        "Bonjour Ana ! Bienvenue chez Souk Demo Shop. Comment puis-je vous aider aujourd'hui ?"
    )


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "لغات أخرى"),
        (1, "لغة أخرى"),
        (2, "لغتان أخريان"),  # the dual
        (3, "لغات أخرى"),  # 3 to 10: plural
        (10, "لغات أخرى"),
        (11, "لغة أخرى"),  # 11 to 99: singular noun
        (100, "لغة أخرى"),
    ],
)
def test_arabic_plurals_take_the_form_the_number_needs(n: int, form: str) -> None:
    text = i18n.ngettext("ar", "{n} more language", "{n} more languages", n)
    assert text == f"{bidi.RLM}{bidi.isolate(str(n))} {form}"
