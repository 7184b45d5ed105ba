"""What shoppers write in every shipped language is understood: intents, numbers, words.

The lines are chat as it is typed: misspelled, without accents, in slang, with the
polite particles of Thai and Japanese, in Arabic-Indic or fullwidth digits.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import attributes, i18n, nlu
from flows.types import Event, Intent

# Every intent the flows need today, in every shipped locale's lexicon.
REQUIRED = ("human", "help", "greet", "menu", "thanks", "yes", "no", "track", "browse",
            "language")

LINES = {
    "en": [("can i talk to a real person", Intent.HUMAN), ("wheres my order??", Intent.TRACK),
           ("no thanks", Intent.NO), ("yes please", Intent.YES)],
    "es": [("quiero hablar con un asesor", Intent.HUMAN), ("donde esta mi pedido", Intent.TRACK),
           ("cuanto cuesta?", Intent.BROWSE), ("sip", Intent.YES)],
    "pt_BR": [("quero falar com atendente", Intent.HUMAN), ("cadê meu pedido", Intent.TRACK),
              ("vlw", Intent.THANKS), ("nao obrigado", Intent.NO)],
    "fr": [("je voudrais parler à un conseiller svp", Intent.HUMAN),
           ("ou est ma commande", Intent.TRACK), ("bjr", Intent.GREET),
           ("merci bcp", Intent.THANKS), ("ouais", Intent.YES), ("non merci", Intent.NO),
           ("c'est combien ?", Intent.BROWSE), ("aide", Intent.HELP), ("menu", Intent.MENU)],
    "de": [("kann ich mit einem Mitarbeiter sprechen?", Intent.HUMAN),
           ("wo ist meine Bestellung", Intent.TRACK), ("moin", Intent.GREET),
           ("danke schön", Intent.THANKS), ("jo", Intent.YES), ("nö", Intent.NO),
           ("was kostet das?", Intent.BROWSE), ("hilfe", Intent.HELP), ("MENÜ", Intent.MENU)],
    "id": [("mau bicara dengan cs", Intent.HUMAN), ("cek resi dong kak", Intent.TRACK),
           ("P", Intent.GREET), ("makasih kak", Intent.THANKS), ("iya", Intent.YES),
           ("gak usah", Intent.NO), ("brp harganya?", Intent.BROWSE), ("bantuan", Intent.HELP),
           ("menu", Intent.MENU)],
    "ar": [("ابغى اكلم موظف", Intent.HUMAN), ("وين طلبي؟", Intent.TRACK),
           ("السلام عليكم", Intent.GREET), ("شكراً", Intent.THANKS), ("أيوه", Intent.YES),
           ("لأ", Intent.NO), ("بكم هذا؟", Intent.BROWSE), ("مساعدة", Intent.HELP),
           ("القائمة", Intent.MENU)],
    "zh_Hans": [("我要转人工", Intent.HUMAN), ("我的快递到哪了", Intent.TRACK),
                ("亲在吗", Intent.GREET), ("谢谢", Intent.THANKS), ("好的", Intent.YES),
                ("不用了", Intent.NO), ("这个多少钱", Intent.BROWSE), ("帮助", Intent.HELP),
                ("菜单", Intent.MENU)],
    "ja": [("担当者と話したいです", Intent.HUMAN), ("荷物はどこですか", Intent.TRACK),
           ("こんにちは", Intent.GREET), ("ありがとうございます", Intent.THANKS),
           ("はい、お願いします", Intent.YES), ("大丈夫です", Intent.NO),
           ("これはいくらですか", Intent.BROWSE), ("ヘルプ", Intent.HELP), ("メニュー", Intent.MENU)],
    "th": [("ขอคุยกับพนักงานค่ะ", Intent.HUMAN), ("ของถึงไหนแล้วคะ", Intent.TRACK),
           ("สวัสดีค่ะ", Intent.GREET), ("ขอบคุณครับ", Intent.THANKS), ("ได้ครับ", Intent.YES),
           ("ไม่เป็นไรค่ะ", Intent.NO), ("ราคาเท่าไหร่คะ", Intent.BROWSE),
           ("ช่วยด้วย", Intent.HELP), ("เมนู", Intent.MENU)],
    "vi": [("cho mình gặp nhân viên", Intent.HUMAN), ("don hang cua minh dau roi", Intent.TRACK),
           ("chào shop", Intent.GREET), ("cam on shop", Intent.THANKS), ("dạ", Intent.YES),
           ("ko", Intent.NO), ("giá bao nhiêu vậy", Intent.BROWSE), ("giup minh", Intent.HELP),
           ("menu", Intent.MENU)],
    "tr": [("müşteri temsilcisi ile görüşmek istiyorum", Intent.HUMAN),
           ("kargom nerede", Intent.TRACK), ("slm", Intent.GREET), ("tşk", Intent.THANKS),
           ("evet", Intent.YES), ("hayir", Intent.NO), ("fiyatı ne kadar", Intent.BROWSE),
           ("yardım", Intent.HELP), ("menü", Intent.MENU)],
}

# The words our own messages tell shoppers to write (locales/<locale>/…/messages.po),
# which must then mean what the message promised.
PROMISED = {
    "en": {"PERSON": Intent.HUMAN, "MENU": Intent.MENU},
    "es": {"PERSONA": Intent.HUMAN, "MENÚ": Intent.MENU},
    "pt_BR": {"PESSOA": Intent.HUMAN, "MENU": Intent.MENU},
    "fr": {"CONSEILLER": Intent.HUMAN, "MENU": Intent.MENU},
    "de": {"MITARBEITER": Intent.HUMAN, "MENÜ": Intent.MENU},
    "id": {"CS": Intent.HUMAN, "MENU": Intent.MENU},
    "ar": {"«موظف»": Intent.HUMAN, "«القائمة»": Intent.MENU},
    "zh_Hans": {"“人工”": Intent.HUMAN, "“菜单”": Intent.MENU},
    "ja": {"「担当者」": Intent.HUMAN, "「メニュー」": Intent.MENU},
    "th": {'"พนักงาน"': Intent.HUMAN, '"เมนู"': Intent.MENU},
    "vi": {"NHÂN VIÊN": Intent.HUMAN, "MENU": Intent.MENU},
    "tr": {"TEMSİLCİ": Intent.HUMAN, "MENÜ": Intent.MENU},
}

FOUR = [("Shop", "shop"), ("Track an order", "track"), ("Talk to a person", "human"),
        ("Language", "language")]
TWELVE = [(f"Option {n}", f"p{n}") for n in range(1, 13)]


def test_every_shipped_locale_is_listed_here() -> None:
    assert set(LINES) == set(i18n.SUPPORTED) == set(PROMISED)


@pytest.mark.parametrize("locale", i18n.SUPPORTED)
def test_every_shipped_locale_has_a_lexicon_with_every_intent(locale: str) -> None:
    data = tomllib.loads((nlu.LEXICON_DIR / f"{locale}.toml").read_text(encoding="utf-8"))
    missing = [name for name in REQUIRED if not data.get("phrases", {}).get(name)]
    assert not missing, f"{locale}.toml has no phrases for {missing}"
    # STOP, START and HELP keywords live in one shared file (keywords.toml).
    assert "keywords" not in data or locale in ("en", "es", "pt_BR")


@pytest.mark.parametrize(
    ("locale", "text", "intent"),
    [(loc, text, intent) for loc, lines in LINES.items() for text, intent in lines],
)
def test_chat_lines_are_understood(locale: str, text: str, intent: Intent) -> None:
    assert nlu.understand(text).intent is intent


@pytest.mark.parametrize(
    ("locale", "word", "intent"),
    [(loc, w, intent) for loc, words in PROMISED.items() for w, intent in words.items()],
)
def test_the_words_our_messages_promise_work(locale: str, word: str, intent: Intent) -> None:
    assert nlu.understand(word).intent is intent
    assert nlu.understand(word, options=FOUR).intent is intent


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2), ("٢", 2), ("۲", 2), ("２", 2), ("๒", 2), ("2️⃣", 2), ("#2", 2),
        ("two", 2), ("dos", 2), ("dois", 2), ("deux", 2), ("zwei", 2), ("dua", 2),
        ("اثنين", 2), ("اتنين", 2), ("二", 2), ("两", 2), ("สอง", 2), ("iki", 2), ("ふたつ", 2),
        ("the second", 2), ("option 2 please", 2), ("opción 2", 2), ("nº 2", 2),
        ("2nd", 2), ("2ème", 2), ("2. bitte", 2), ("pilihan 2 kak", 2), ("رقم ٢", 2),
        ("第二个", 2), ("2番でお願いします", 2), ("ข้อ 2 ค่ะ", 2), ("ข้อสองค่ะ", 2), ("số 2 nhé", 2),
        ("2 numara lütfen", 2), ("十二", 12), ("١٢", 12), ("dua belas", 12), ("on iki", 12),
        ("mười hai", 12), ("twelve", 12), ("一", 1), ("first", 1), ("الأول", 1),
    ],
)
def test_an_option_is_picked_by_number_in_any_script_or_word(text: str, number: int) -> None:
    event = nlu.understand(text, options=TWELVE)
    assert (event.intent, event.payload) == (Intent.CHOICE, f"p{number}")


@pytest.mark.parametrize("text", ["2 and 3", "two shirts please", "2024", "13", "0", "iPhone 2"])
def test_other_lines_with_numbers_pick_no_option(text: str) -> None:
    assert nlu.understand(text, options=TWELVE).intent is not Intent.CHOICE


def test_a_number_word_that_is_also_a_greeting_stays_a_greeting() -> None:
    # "hai" is two in Vietnamese and hi in Indonesian: a greeting picks no option.
    assert nlu.understand("hai", options=FOUR).intent is Intent.GREET


def test_no_number_word_means_two_numbers() -> None:
    seen: dict[str, set[int]] = defaultdict(set)
    for path in nlu.LEXICON_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for value, words in data.get("numbers", {}).items():
            for word in words:
                seen[nlu.normalize(word)].add(int(value))
    assert {w: v for w, v in seen.items() if len(v) > 1} == {}


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("ครับ ใช่ค่ะ", "ครับ ใช่ค่ะ"),  # Thai vowels and tone marks are letters, kept
        ("ください、お願いします！", "ください お願いします"),  # voicing marks kept
        ("请说中文。", "请说中文"),
        ("أهلاً وسهلاً", "اهلا وسهلا"),  # short vowels dropped, alef unified
        ("إلى اللقاء", "الي اللقاء"),
        ("Ｍｅｎú!!", "menu"),  # fullwidth folded, accents off
        ("Não, obrigado", "nao obrigado"),
        ("TEMSİLCİ", "temsilci"),
        ("Tiếng Việt", "tieng viet"),
        ("1️⃣", "1"),
    ],
)
def test_normalize_keeps_every_script_whole(text: str, normalized: str) -> None:
    assert nlu.normalize(text) == normalized


def test_short_only_phrases_need_a_short_message_in_unspaced_scripts_too() -> None:
    # 是 (yes) inside a long Chinese question is not a yes.
    assert nlu.understand("是").intent is Intent.YES
    assert nlu.understand("我是想问一下这个衣服有没有黑色的").intent is Intent.BROWSE
    assert nlu.understand("我是想问一下你们周末上班吗").intent is Intent.UNKNOWN


@given(st.text(max_size=60))
def test_any_text_is_read_without_error_and_normalized_once(text: str) -> None:
    norm = nlu.normalize(text)
    # Lexicon words and messages are normalized the same way, once: it must be stable.
    assert nlu.normalize(norm) == norm
    event = nlu.understand(text, options=TWELVE)
    assert isinstance(event, Event)
    assert event.intent is not Intent.CHOICE or event.payload in {p for _, p in TWELVE}
    assert isinstance(attributes.find(text), attributes.Attributes)
