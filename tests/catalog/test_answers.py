"""Questions answered from the demo catalog and the demo shop file, never guessed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.answers import reply
from bot.catalog.display import Shower
from bot.config import DEFAULT_SHOP
from bot.db import Database
from bot.models import Product
from bot.shop import load_shop
from flows.catalog import ANSWERS
from flows.catalog_facts import Answer

SPACES = str.maketrans({"\xa0": " "})


@pytest.fixture
def session(demo_db: Database) -> Iterator[Session]:
    with demo_db.session() as s:
        yield s


def ask(s: Session, text: str, sku: str | None = None, *, locale: str = "en",
        country: str | None = "US", asked: bool = True) -> Answer | None:
    product = s.scalar(select(Product).where(Product.sku == sku)) if sku else None
    shower = Shower(load_shop(DEFAULT_SHOP), locale, country, "https://bot.example.com")
    answer = reply(text, asked=asked, product=product, shower=shower)
    if answer is not None:
        assert answer.topic in ANSWERS  # every kind of answer has its words in the flow
    return answer


def test_an_attribute_answers_yes_or_no(session: Session) -> None:
    yes = ask(session, "is it waterproof?", "JKT-STORM")
    assert yes is not None and yes.topic == "attribute_yes"
    assert yes.params == {"title": "Storm Rain Jacket", "attribute": "waterproof"}
    no = ask(session, "¿es impermeable?", "JKT-DOWN", locale="es")
    assert no is not None and no.topic == "attribute_no"
    assert no.params == {"title": "Chaqueta de plumón Summit", "attribute": "impermeable"}


def test_what_the_catalog_does_not_say_is_not_known(session: Session) -> None:
    # The earbuds are water-resistant; whether they are waterproof, the catalog does not say.
    answer = ask(session, "é impermeável?", "EARBUDS-SPORT", locale="pt_BR", country="BR")
    assert answer is not None and (answer.topic, answer.known) == ("unknown", False)
    assert answer.params == {"title": "Fone Bluetooth esportivo"}


def test_sizes_and_colours_come_from_variants_and_their_stock(session: Session) -> None:
    sizes = ask(session, "what sizes?", "BOOT-SUMMIT")
    assert sizes is not None and sizes.topic == "sizes"
    assert sizes.params["values"].startswith("38, 39, 40")
    size = ask(session, "do you have it in 44?", "SHOE-TRAILX")  # red 44 is sold out, blue not
    assert size is not None and (size.topic, size.params["value"]) == ("size_yes", "44")
    colour = ask(session, "¿la tienen en verde?", "SHOE-TRAILX", locale="es", asked=False)
    assert colour is not None and colour.topic == "color_no"
    assert colour.params["value"] == "verde" and colour.params["values"] == "rojo y azul"
    none_left = ask(session, "what colors?", "BOOT-RAIN")
    assert none_left is not None and none_left.topic == "colors_none_left"


def test_the_faq_answers_in_the_shoppers_language(session: Session) -> None:
    faq = ask(session, "vem com capa de chuva?", "BAG-HIKE40", locale="pt_BR", country="BR")
    assert faq is not None and faq.topic == "faq"
    assert faq.params["answer"] == "Sim, a capa de chuva fica no bolso de baixo."


def test_shipping_answers_come_from_the_shop_file(session: Session) -> None:
    mexico = ask(session, "do you ship to Mexico?")
    assert mexico is not None and mexico.topic == "ship_yes_free"
    assert mexico.params == {"country": "Mexico", "days": "7-10", "fee": "$12.00",
                             "free_over": "$150.00"}
    fee = ask(session, "¿envían a México?", locale="es", country="MX")
    assert fee is not None and fee.params["fee"] == "$206.40"  # 12 USD in pesos
    nowhere = ask(session, "do you ship to Argentina?")
    assert nowhere is not None and nowhere.topic == "ship_no"
    assert "Brazil" in nowhere.params["countries"]
    brazil = ask(session, "how long to Brazil?")
    assert brazil is not None and (brazil.topic, brazil.params["days"]) == (
        "delivery_time", "10-15")


def test_returns_and_payment_come_from_the_shop_file(session: Session) -> None:
    returns = ask(session, "can I return it?", "JKT-STORM")
    assert returns is not None and returns.topic == "returns"
    assert returns.params["policy"].startswith("You can return unused items within 30 days")
    pay = ask(session, "como posso pagar?", locale="pt_BR", country="BR")
    assert pay is not None and pay.topic == "payment"
    assert pay.params["methods"] == "cartão, Pix ou boleto"
    assert pay.params["country"] == "Brasil"


def test_a_question_about_an_order_is_left_to_order_tracking(session: Session) -> None:
    assert ask(session, "how long until my order arrives?") is None
    assert ask(session, "¿cuánto tarda mi pedido?", locale="es") is None


def test_a_product_question_without_a_product_asks_which_one(session: Session) -> None:
    which = ask(session, "is it waterproof?")
    assert which is not None and which.topic == "which_product"
    lost = ask(session, "what is the meaning of life?")
    assert lost is not None and (lost.topic, lost.known) == ("unknown_shop", False)


def test_new_words_while_looking_at_a_product_are_a_search_not_a_question(
    session: Session,
) -> None:
    assert ask(session, "do you have red jackets?", "SHOE-TRAILX", asked=False) is None
    assert ask(session, "waterproof jacket", "JKT-STORM", asked=False) is None
    price = ask(session, "how much is it?", "JKT-STORM", asked=False)
    assert price is not None and price.params["price"] == "$89.00"
