"""The cart in the database: what the shopper picked, checked against stock.

The cart is a row per customer (bot/models/commerce.Cart), so it survives Redis
losing the conversation's hot state, a restart, or the shopper coming back a week
later. Stock is checked when something is added and again when the order is placed;
it is taken out of stock when the payment lands (bot/payments/results.py).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import i18n
from bot.catalog import get_product
from bot.effects import EffectContext, handles
from bot.models import Cart, CartItem, Conversation, Product, Variant, utcnow
from bot.shopping.pricing import title_of, variant_label
from channels.base import Outgoing
from flows.cart import AddToCart, RemoveFromCart

log = logging.getLogger(__name__)


def cart_of(s: Session, customer_id: int) -> Cart | None:
    """The customer's cart, if they have one."""
    return s.scalar(select(Cart).where(Cart.customer_id == customer_id))


def items_of(s: Session, customer_id: int) -> list[CartItem]:
    """The cart's lines, oldest first; none for a customer without a cart."""
    cart = cart_of(s, customer_id)
    return list(cart.items) if cart is not None else []


def stock_of(product: Product, variant: Variant | None) -> int | None:
    """Units on hand (None: the shop does not track this product's stock)."""
    stock = variant.stock if variant is not None else product.stock
    return None if stock is None else max(stock, 0)


def in_cart(items: list[CartItem], product_id: int, variant_id: int | None) -> int:
    """How many of this product (and variant) the cart holds already."""
    return sum(i.quantity for i in items
               if i.product_id == product_id and i.variant_id == variant_id)


def variant_of(product: Product, variant_id: int | None) -> Variant | None:
    """The product's active variant with this id, or None."""
    return next((v for v in product.variants if v.id == variant_id and v.active), None)


@handles(AddToCart)
def add(s: Session, conv: Conversation, action: AddToCart,
        ctx: EffectContext) -> list[Outgoing] | None:
    """Add to the cart, or say what stock is left if it ran out since the shopper asked."""
    product = get_product(s, action.product_id)
    variant = variant_of(product, action.variant_id) if product is not None else None
    if product is None or (action.variant_id is not None and variant is None):
        log.info("add to cart: product %s is gone conversation=%s", action.product_id, conv.id)
        return [Outgoing(i18n.gettext(ctx.locale, i18n.N_(
            "Sorry, that product is no longer available.")))]
    cart = cart_of(s, conv.customer_id)
    if cart is None:
        cart = Cart(customer_id=conv.customer_id)
        s.add(cart)
        s.flush()
    items = list(cart.items)
    stock = stock_of(product, variant)
    held = in_cart(items, product.id, action.variant_id)
    if stock is not None and held + action.quantity > stock:
        # The flow checked this a moment ago; only a concurrent change gets here.
        title = title_of(product, ctx.locale)
        label = variant_label(variant)
        return [Outgoing(i18n.gettext(
            ctx.locale, i18n.N_("Sorry, I couldn't add them: only {n} of {title} left in stock."),
            n=max(stock - held, 0), title=f"{title} ({label})" if label else title))]
    line = next((i for i in items
                 if i.product_id == product.id and i.variant_id == action.variant_id), None)
    if line is None:
        cart.items.append(CartItem(product_id=product.id, variant_id=action.variant_id,
                                   quantity=action.quantity))
    else:
        line.quantity += action.quantity
    cart.updated_at = utcnow()
    return None


@handles(RemoveFromCart)
def remove(s: Session, conv: Conversation, action: RemoveFromCart,
           ctx: EffectContext) -> list[Outgoing] | None:
    """Take a line out of this shopper's cart; another shopper's line is left alone."""
    cart = cart_of(s, conv.customer_id)
    line = s.get(CartItem, action.item_id)
    if cart is None or line is None or line.cart_id != cart.id:
        log.info("remove from cart: no line %s in conversation=%s", action.item_id, conv.id)
        return None
    cart.items.remove(line)
    cart.updated_at = utcnow()
    return None
