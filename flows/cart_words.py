"""What shoppers write when they add to or remove from the cart, read without lookups.

"add 2 of those", "add number 2", "I'll take two headlamps", "agrégame 2 más",
"quero levar 2 dessas": a quantity, a position in the last list, a pronoun for the
product being discussed, and the words left, which may name a product. Messages
arrive normalized (bot.nlu.normalize: lower case, no accents, no punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["AddRequest", "add_payload", "parse_add", "parse_add_payload"]


@dataclass(frozen=True, slots=True)
class AddRequest:
    """What an "add" message says, before anything is looked up."""

    quantity: int | None = None
    index: int | None = None  # "number 2": the second product of the last list
    pronoun: bool = False  # "it", "those": the product being discussed
    words: str = ""  # what is left, maybe a product's name


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "diez": 10,
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "quatro": 4, "dez": 10,
}
_INDEX = re.compile(r"\b(?:number|numero|item|opcion|opcao|no|n)\s*(\d{1,2})\b|#\s*(\d{1,2})\b")
_QUANTITY = re.compile(r"\b(\d{1,3})\s*(?:x\b|units?\b|unidades?\b|pcs\b)?|\bx\s*(\d{1,3})\b")
_PRONOUNS = frozenset((
    "it", "this", "that", "those", "these", "them", "one", "ones", "lo", "la", "los", "las",
    "ese", "esa", "eso", "esos", "esas", "este", "esta", "esto", "estos", "estas", "isso",
    "esse", "essa", "esses", "essas", "isto", "estes", "dessa", "desse", "dessas", "desses",
    "deles", "delas", "disso", "dele", "dela"
))
# Words of "add" and "remove" phrases, and filler: left out of the name we search for.
_FILLER = frozenset((
    "remove", "delete", "quitar", "quita", "quitalo", "quitala", "eliminar", "elimina",
    "sacar", "saca", "borrar", "borra", "remover", "tirar", "tira", "retirar", "excluir",
    "exclui", "apagar", "from", "out", "off", "del", "carrito", "carrinho", "cart",
    "add", "to", "my", "cart", "the", "a", "an", "of", "please", "i", "ll", "ill", "will",
    "take", "have", "put", "in", "and", "also", "more", "agregar", "agrega", "agregame",
    "agregalo", "agregala", "anadir", "anade", "anadelo", "al", "carrito", "me", "llevo",
    "lo", "el", "de", "del", "por", "favor", "quiero", "tambien", "mas", "un", "adicionar",
    "adiciona", "adicione", "ao", "carrinho", "coloca", "colocar", "no", "pode", "vou",
    "levar", "eu", "levo", "quero", "querer", "o", "do", "da", "os", "as", "mais", "tambem"
))


def parse_add(norm: str) -> AddRequest:
    """Read an "add" message already normalized (bot.nlu.normalize): numbers and names."""
    text = f" {norm} "
    index = None
    match = _INDEX.search(norm)
    if match:
        index = int(match.group(1) or match.group(2))
        text = text.replace(match.group(0), " ")
    quantity = None
    match = _QUANTITY.search(text)
    if match:
        quantity = int(match.group(1) or match.group(2))
        text = text.replace(match.group(0), " ", 1)
    words = text.split()
    if quantity is None:
        counted = [w for w in words if w in _NUMBER_WORDS]
        # "one" alone is a pronoun ("the green one"); "two tents" is a quantity.
        if counted and counted[0] != "one":
            quantity = _NUMBER_WORDS[counted[0]]
            words.remove(counted[0])
    pronoun = any(w in _PRONOUNS for w in words)
    rest = [w for w in words if w not in _PRONOUNS and w not in _FILLER]
    return AddRequest(quantity, index, pronoun, " ".join(rest))


def parse_add_payload(payload: str) -> tuple[int, int | None, int | None] | None:
    """(product, variant, quantity) of "add:<product>[:<variant>|-[:<quantity>]]", or None."""
    parts = payload.split(":")
    if parts[0] != "add" or not 2 <= len(parts) <= 4:
        return None
    try:
        product = int(parts[1])
        variant = int(parts[2]) if len(parts) > 2 and parts[2] not in ("", "-") else None
        quantity = int(parts[3]) if len(parts) > 3 else None
    except ValueError:
        return None
    return product, variant, quantity


def add_payload(product_id: int, variant_id: int | None, quantity: int | None = None) -> str:
    """The payload of a button that adds this product (and variant, and quantity)."""
    payload = f"add:{product_id}"
    if variant_id is not None or quantity is not None:
        payload += f":{variant_id if variant_id is not None else '-'}"
    if quantity is not None:
        payload += f":{quantity}"
    return payload
