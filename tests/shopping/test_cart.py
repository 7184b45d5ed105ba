"""The cart through the whole pipeline: it lives in the database, and stock is checked."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import CartItem, Product
from bot.runtime import Runtime
from tests.fakes.telegram import FakeTelegram
from tests.shopfront import load_products
from tests.support import post_telegram, run_jobs, telegram_update

CHAT = 5150


def say(rt: Runtime, client: Any, telegram: FakeTelegram, text: str | None = None,
        tap: str | None = None) -> str:
    """Send a message or tap a button as the shopper; the bot's reply, buttons included."""
    before = len(telegram.sent)
    assert post_telegram(client, telegram_update(CHAT, text, data=tap)).status_code == 200
    run_jobs(rt)
    replies = [c for c in telegram.sent[before:] if c.method == "sendMessage"]
    return "\n".join(str(c.params["text"]) + str(c.params.get("reply_markup", ""))
                     for c in replies)


def test_the_cart_survives_losing_redis(rt: Runtime, client: Any,
                                        fake_telegram: FakeTelegram) -> None:
    tent = load_products(rt.db)["TENT-2P"]
    assert "Added 2 × Trail Tent 2P" in say(rt, client, fake_telegram, tap=f"add:{tent}:-:2")
    rt.redis.flushdb()  # the conversation's hot state is gone
    assert "• 2 × Trail Tent 2P — $398.00" in say(rt, client, fake_telegram, "my cart")


def test_stock_is_checked_counting_what_is_in_the_cart(rt: Runtime, client: Any,
                                                       fake_telegram: FakeTelegram) -> None:
    tent = load_products(rt.db)["TENT-2P"]  # 5 in stock
    say(rt, client, fake_telegram, tap=f"add:{tent}:-:4")
    reply = say(rt, client, fake_telegram, tap=f"add:{tent}:-:3")
    assert reply.startswith("Trail Tent 2P: only 1 more in stock (your cart has 4)")
    assert f"add:{tent}:-:1" in reply
    assert "Added 1 × Trail Tent 2P" in say(rt, client, fake_telegram, tap=f"add:{tent}:-:1")
    assert "already has all the Trail Tent 2P" in say(rt, client, fake_telegram,
                                                      tap=f"add:{tent}")
    with rt.db.session() as s:
        assert [i.quantity for i in s.scalars(select(CartItem))] == [5]


def test_adding_by_name_and_by_number_from_the_last_list(rt: Runtime, client: Any,
                                                         fake_telegram: FakeTelegram) -> None:
    load_products(rt.db)
    assert "Added 2 × Headlamp 300" in say(rt, client, fake_telegram, "add 2 headlamps")
    listed = say(rt, client, fake_telegram, "do you have a mug?")  # a search lists products
    assert "Camp Mug" in listed, listed
    assert "Added 1 × Camp Mug" in say(rt, client, fake_telegram, "add number 1")
    reply = say(rt, client, fake_telegram, "add a kayak")
    assert reply.startswith("I couldn't find “kayak” in the shop")


def test_stock_sold_meanwhile_is_caught_before_paying(rt: Runtime, client: Any,
                                                      fake_telegram: FakeTelegram) -> None:
    lamp = load_products(rt.db)["LAMP-300"]
    say(rt, client, fake_telegram, tap=f"add:{lamp}:-:2")
    with rt.db.session() as s:  # another shopper bought the rest
        product = s.scalar(select(Product).where(Product.sku == "LAMP-300"))
        assert product is not None
        product.stock = 1
    reply = say(rt, client, fake_telegram, tap="checkout")
    assert reply.startswith("Before you pay: Headlamp 300: only 1 left in stock, and your cart "
                            "has 2.")
    assert "Your cart" in say(rt, client, fake_telegram, tap="cart")


def test_a_line_is_removed_by_its_button(rt: Runtime, client: Any,
                                         fake_telegram: FakeTelegram) -> None:
    ids = load_products(rt.db)
    say(rt, client, fake_telegram, tap=f"add:{ids['MUG']}")
    say(rt, client, fake_telegram, tap=f"add:{ids['JACKET']}:{ids['JACKET-L']}")
    reply = say(rt, client, fake_telegram, tap="remove:")
    with rt.db.session() as s:
        jacket_line = s.scalar(select(CartItem.id).where(CartItem.variant_id == ids["JACKET-L"]))
    assert f"remove:{jacket_line}" in reply
    assert "Removed Rain Jacket (L)" in say(rt, client, fake_telegram, tap=f"remove:{jacket_line}")
    assert "Rain Jacket" not in say(rt, client, fake_telegram, tap="cart")
