"""How `bot.language` cuts chat text into words, and the word lists it compares them with.

Every listed word is folded the way `fold` folds text: lower case, Latin accents
removed ("não" → "nao", "für" → "fur", "ı" → "i", "đ" → "d"). Keys are language tags
that `bot.i18n.negotiate` maps to a shipped locale ("pt" → "pt_BR").

The lexicons hold the most common function words and chat spellings of each language
("vc", "pq", "xq", "gak", "ko"), not shop vocabulary: words such as "ship", "size" or
"cod" are written in every language's chats and prove nothing. A word in k lexicons
counts 1/k for each. Folded Vietnamese collides with other languages' top words
("thể" → "the", "là" → "la", "nào" → "nao"), so those are left out of its list.
On a short line langdetect is often certain and wrong; these words carry such lines,
and break ties between close languages (es/pt, id/tr chat spellings).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final


def _words(text: str) -> frozenset[str]:
    """Words separated by spaces."""
    return frozenset(text.split())


def _phrases(text: str) -> frozenset[str]:
    """Phrases separated by "|": names may have spaces ("bahasa indonesia")."""
    return frozenset(phrase.strip() for phrase in text.split("|"))


LEXICON: Final[dict[str, frozenset[str]]] = {
    "en": _words(
        "the a an and or is are am was were be been being i im ive ill id you u ur your "
        "youre yours my me mine we our us they them their it its this that these those do "
        "does did dont didnt doesnt isnt arent wasnt havent cant couldnt wont wouldnt "
        "have has had can could would will should shall what whats where wheres when why "
        "how who which in on at to from for of with about by not yes yeah yep nope please "
        "pls plz thanks thank thx ty hey hello want wanna need get got still just any "
        "some there here if but so too also more much many than then anyone someone "
        "something nothing why guys sorry tho though already yet ever never again"
    ),
    "es": _words(
        "el la los las un una unos unas del al y que q k en con por para pa es son esta "
        "he has ha han hemos "
        "estan este esto eso esa ese estos esas mi mis tu tus su sus me te se le lo les "
        "nos yo usted ustedes vos no si pero como cuando donde cuanto cuanta cuantos "
        "cuantas cual cuales porque porq xq pq tambien tb tmb muy mas ya hay tiene tienen "
        "tengo tienes puedo puede pueden puedes quiero quisiera necesito hola gracias "
        "porfa porfavor favor buenas buenos buen dia dias tardes noches todavia aun aqui "
        "ahi alla nada algo bien bueno hago hacer estoy sea fue hace ni sin sobre hasta "
        "desde entonces ahora hoy manana tambien disculpa oye mande pues igual nomas "
        "llega llego"
    ),
    "pt": _words(
        "o a os as um uma uns umas do da dos das no na nos nas em e ou que q com por pra "
        "pro para pelo pela pelos pelas eh ha sao esta ta to estou tou isso esse essa este "
        "isto aquele meu minha meus minhas seu sua seus suas voce vc vcs voces eu ele ela "
        "eles nao n sim mas como quando onde quanto quanta qual quais porque pq tambem tb "
        "tbm muito mt mto mais ja tem tenho tinha posso pode podem quero queria preciso "
        "oi ola obrigado obrigada obg brigado vlw valeu blz beleza bom boa dia tarde "
        "noite ainda aqui ai la nada algo bem entao agora hoje amanha gostaria fica "
        "ficou chegou veio mim nenhum nenhuma vou vai vamos foi sera tava ate sem sobre "
        "depois antes hein ne rs rsrs cade moco moca aki aq"
    ),
    "fr": _words(
        "le la les un une des du de et ou que qu qui quoi est cest ca ce cet cette ces je "
        "jai jsuis jpeux tu vous il elle on nous ils elles mon ma mes ton ta tes votre "
        "vos notre nos leur pas ne nai oui non mais avec pour par sur sous dans en au aux "
        "chez comment quand combien pourquoi merci bonjour bonsoir salut slt svp stp "
        "toujours encore deja tres bien avez avons ai as peux peut pouvez voudrais veux "
        "voulez suis etes sont ya yen plus moins aussi bcp pr mdr dispo quelle quel "
        "quelles quels cela ceci rien tout tous parce puis alors donc depuis"
    ),
    "de": _words(
        "der die das den dem des ein eine einen einem einer und oder ist sind bin bist "
        "war ich du er sie es wir ihr mein meine meinen meinem dein deine ihre unser "
        "euer nicht kein keine keinen ja nein aber mit fur von vom zu zum zur bei nach "
        "auf im aus uber wie wo wann warum was wer welche welcher noch schon auch sehr "
        "bitte danke hallo moin servus gibt hab habe hat haben habt kann kannst konnt "
        "konnen mochte will wird werden sollte mal doch nur leider gerne gern dass denn "
        "also wieviel etwas heute morgen ne nen mir mich dir dich euch uns ob wenn"
    ),
    "id": _words(
        "saya aku gue gw kamu anda kak kakak sis gan min bang mbak ini itu yang yg dan "
        "atau di ke dari untuk utk buat dengan dgn sama ada tidak tdk gak ga nggak ngga "
        "enggak gk belum blm sudah udah sdh dah bisa mau ingin minta tolong mohon terima "
        "kasih makasih ya dong deh sih kok nih tuh aja saja juga jg lagi berapa brp apa "
        "apakah kapan dimana mana kenapa bagaimana gimana gmn masih baru banyak sekali "
        "kalau kalo klo karena biar sampai pakai pake beli bayar kirim dikirim"
    ),
    "vi": _words(
        "toi minh ban em anh chi oi nhe nha khong ko k kg hok co duoc dc cua cho hoi gi "
        "sao bao nhieu gio roi chua vay voi nay thi hang don gia cam on xin chao muon "
        "lam den tai nhung cung rat qua lai nua nhu bi giao mua cai"
    ),
    "tr": _words(
        "bu ne ve ile bir mi mu var yok ben sen biz siz benim senin bizim sizin "
        "icin ama cok daha gibi nasil neden nerede nereye zaman kac kadar hala hemen "
        "lutfen tesekkur tesekkurler tesekkurederim sagol sagolun merhaba selam iyi "
        "tamam abi abla hocam evet hayir degil istiyorum acaba misiniz musunuz miyim "
        "olur olarak yapabilir nedir neden niye"
    ),
}

# Tokens that carry no language: greetings and laughter written the same everywhere.
NEUTRAL: Final = _words("ok okay okey oke okie okk hi lol lmao xd xdd omg wow plis thanks")
# Laughter, written differently per language but never a word of it: "kkkk", "jajaja".
LAUGHTER_PATTERN: Final = r"(?:k{3,}|(?:ha|he|hi|ja|je|ji|wk|hu){2,}h?|x+d+|rs(?:rs)+)"

# Names of languages, in many languages, as a shopper would write them to ask for one.
LANGUAGE_NAMES: Final[dict[str, frozenset[str]]] = {
    "en": _phrases(
        "english|ingles|anglais|englisch|inggris|bahasa inggris|tieng anh|ingilizce|英语|英語|"
        "英文|えいご|انجليزي|الانجليزية|انجليزى|بالانجليزي|بالانجليزية|ภาษาอังกฤษ|อังกฤษ"
    ),
    "es": _phrases(
        "espanol|spanish|castellano|espagnol|spanisch|spanyol|bahasa spanyol|"
        "tieng tay ban nha|ispanyolca|西班牙语|西班牙語|スペイン語|اسباني|الاسبانية|بالاسباني|"
        "ภาษาสเปน"
    ),
    "pt": _phrases(
        "portugues|portuguese|portugais|portugiesisch|portugis|bahasa portugis|"
        "tieng bo dao nha|portekizce|葡萄牙语|葡萄牙語|ポルトガル語|برتغالي|البرتغالية|ภาษาโปรตุเกส"
    ),
    "pt_BR": _phrases("portugues do brasil|portugues brasileiro|brazilian portuguese|brasileiro"),
    "fr": _phrases(
        "francais|french|frances|franzosisch|prancis|bahasa prancis|tieng phap|fransizca|"
        "法语|法語|フランス語|فرنسي|الفرنسية|بالفرنسي|ภาษาฝรั่งเศส"
    ),
    "de": _phrases(
        "deutsch|german|aleman|alemao|allemand|jerman|bahasa jerman|tieng duc|almanca|"
        "德语|德語|ドイツ語|الماني|الالمانية|بالالماني|ภาษาเยอรมัน"
    ),
    # Not "indonesia" alone: it is also the answer to "which country do we ship to?".
    "id": _phrases(
        "bahasa indonesia|indonesian|indonesio|indonesien|indonesisch|tieng indonesia|"
        "endonezce|印尼语|印尼語|インドネシア語|الاندونيسية|ภาษาอินโดนีเซีย"
    ),
    "ar": _phrases(
        "arabic|arabe|arabisch|bahasa arab|tieng a rap|arapca|阿拉伯语|阿拉伯語|アラビア語|"
        "عربي|عربى|العربية|العربي|بالعربي|بالعربية|بالعربى|ภาษาอาหรับ"
    ),
    "zh": _phrases(
        "chinese|chino|chines|chinois|chinesisch|mandarin|bahasa mandarin|tieng trung|cince|"
        "中文|汉语|漢語|普通话|普通話|华语|華語|中国語|صيني|الصينية|ภาษาจีน"
    ),
    "zh_Hans": _phrases("简体中文|简体|简中|simplified chinese"),
    "zh_Hant": _phrases("繁體中文|繁体中文|繁體|繁中|traditional chinese"),
    "ja": _phrases(
        "japanese|japones|japonais|japanisch|jepang|bahasa jepang|tieng nhat|japonca|"
        "日本語|にほんご|日语|日語|ياباني|اليابانية|ภาษาญี่ปุ่น"
    ),
    "th": _phrases(
        "thai|tailandes|thailandais|thailandisch|bahasa thai|tieng thai|tayca|ภาษาไทย|ไทย|"
        "泰语|泰語|タイ語|تايلاندي"
    ),
    "vi": _phrases(
        "vietnamese|vietnamita|vietnamien|vietnamesisch|bahasa vietnam|tieng viet|"
        "vietnamca|越南语|越南語|ベトナム語|فيتنامي|ภาษาเวียดนาม"
    ),
    "tr": _phrases(
        "turkish|turco|turc|turkisch|bahasa turki|tieng tho nhi ky|turkce|土耳其语|土耳其語|"
        "トルコ語|تركي|التركية|بالتركي|ภาษาตุรกี"
    ),
}

# What may surround a language's name in a request to switch: "can you speak ___
# please", "hablas ___?", "fala ___?", "pakai bahasa ___ dong", "___でお願いします".
# Nothing here may say something else ("no", "not", "don't"), or "I don't speak
# English" would become a request for English.
SWITCH_WORDS: Final = _words(
    # English
    "please pls plz in speak speaks talk can could you u we do does write reply answer "
    "switch to change language lang use i want prefer would like need the a is there "
    "anyone someone somebody who only thanks thx ok okay hi hello hey sorry"
    # Spanish and Portuguese
    " por favor porfa porfavor xfa en em hablas habla hablan hablar hablame puedes puede "
    "podemos podrias sabes escribe escribeme responde cambiar cambia cambie idioma lengua "
    "quiero prefiero solo si hay alguien que hable gracias hola mejor me al el de tu "
    "usted fala falar falam falas voce vc pode poderia sabe escreve escrever responder "
    "mudar muda troca trocar lingua prefiro so tem alguem obrigado obrigada oi ola para "
    "pra o tudo bem"
    # French, German
    " parlez parles parler vous pouvez peux on peut svp stp s il plait merci bonjour "
    "langue je veux voudrais changer ecrire est ce qu quelqu un qui parle auf bitte "
    "sprechen sprichst spricht sie du ihr konnen konnt kannst kann wir ich mochte will "
    "sprache hallo danke gerne lieber jemand der es gibt schreiben antworten wechseln"
    # Indonesian, Vietnamese, Turkish
    " pakai pake bahasa dalam bisa bisakah ngomong bicara berbicara tolong mohon dong ya "
    "kak gan saya aku mau ingin minta ganti ke dengan boleh terima kasih halo saja aja "
    "bang noi duoc khong ko co the ban minh toi muon dung xin vui long cam on chao nhe "
    "nha em anh chi doi sang chuyen lutfen konusun konus konusabilir misiniz misin mi "
    "musunuz biliyor musun ben istiyorum dil dilinde olarak yazar tesekkurler merhaba "
    "degistir"
) | _phrases(
    # Japanese, Chinese, Arabic, Thai: written without spaces, matched inside a run
    "でお願いします|でおねがいします|でお願い|お願いします|お願い|ください|下さい|話せますか|"
    "話せる|はなせますか|できますか|ですか|で|に|変えて|请|請|用|说|說|讲|講|可以|能|吗|嗎|你|"
    "会|會|我|要|换|換|成|改|吧|好|谢谢|ممكن|تكلم|تتكلم|تحكي|بتحكي|لو|سمحت|من|فضلك|باللغة|"
    "اللغة|لغة|اريد|ابغى|ابي|عايز|عاوز|شكرا|هل|تتحدث|يمكن|ได้ไหม|ได้มั้ย|ได้ไหมคะ|ได้ไหมครับ|"
    "ขอ|ภาษา|พูด|ครับ|ค่ะ|คะ|หน่อย|เป็น|คุณ|เปลี่ยน"
)

# Characters written differently in Simplified and Traditional Chinese, both frequent
# in shop chats (這/这 this, 們/们, 貨/货 goods, 運/运 shipping, 單/单 order...).
TRADITIONAL_ONLY: Final = frozenset(
    "這們個說麼嗎對還貨運費單買賣錢價號時會發過來沒樣幾謝請問給點顏郵"
)
SIMPLIFIED_ONLY: Final = frozenset(
    "这们个说么吗对还货运费单买卖钱价号时会发过来没样几谢请问给点颜邮"
)


# -- cutting text into words ---------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case `text` and strip Latin accents ("Não" → "nao"), keeping other scripts whole."""
    out: list[str] = []
    latin = False
    for char in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(char):
            if not latin:  # Thai vowels, Japanese voicing marks: part of the letter
                out.append(char)
            continue
        latin = "LATIN" in unicodedata.name(char, "")
        out.append(char)
    folded = unicodedata.normalize("NFC", "".join(out))
    return folded.translate(_LATIN_EXTRA)


_LATIN_EXTRA: Final = str.maketrans({"ı": "i", "đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe"})
# Links and e-mail addresses: letters, but no language.
NOISE: Final = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|\S+\.[a-z]{2,4}/\S*", re.I)
_ELISION: Final = re.compile(r"(?<=\w)['’](?=\w)")
_LAUGHTER: Final = re.compile(LAUGHTER_PATTERN)


def is_laughter(word: str) -> bool:
    """Whether a folded word is laughter ("kkkk", "jajaja", "wkwk"), which has no language."""
    return _LAUGHTER.fullmatch(word) is not None


@functools.lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The script of a letter: latin, arabic, han, kana, thai, hangul, cyrillic..."""
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "han"
    if first in ("HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HALFWIDTH"):
        return "kana" if "KATAKANA" in name or "HIRAGANA" in name else "other"
    return first.lower()


def words(text: str) -> list[str]:
    """Split text into runs of letters (with their marks), one script per run ("中文please")."""
    words: list[str] = []
    current: list[str] = []
    current_script = ""
    for char in _ELISION.sub("", text):
        category = unicodedata.category(char)
        if category[0] == "L" or (category[0] == "M" and current):
            script = current_script if category[0] == "M" else script_of(char)
            script = "cjk" if script in ("han", "kana") else script  # 日本語でお願い is one run
            if current and script != current_script:
                words.append("".join(current))
                current = []
            current.append(char)
            current_script = script
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words
