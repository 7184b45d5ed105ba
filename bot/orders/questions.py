"""Questions souk puts to a shopper about an order without being asked.

- "updates": when an order is created (by the API) or paid (by any checkout) for a
  shopper who never said yes or no to order updates, ask once whether we may send
  them here.
- "feedback": once an order is delivered, ask how we did (1-5), if they get updates.

Each question is a notification that expects an answer, so the conversation is also
put in the state that understands it: ASK_UPDATES, or RATE with the order remembered.
The caller holds the conversation's lock (workers/orders.py), so no message of the
shopper is being handled while the state changes under it.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot import consent, notices
from bot.i18n import N_, gettext
from bot.models import Feedback, Order
from bot.notices import Notice
from bot.orders.notify import conversation_of, locale_of, template_variables
from bot.runtime import Runtime
from channels.base import Option, Outgoing
from flows import feedback, orders
from flows.types import Choice

log = logging.getLogger(__name__)

QUESTIONS = ("updates", "feedback")
OPT_IN = N_("Thanks for your order {number} at {shop}! Can we send you updates about it here, "
            "like when it ships and when it arrives?")


def conversation_id(rt: Runtime, order_id: int) -> int | None:
    """The conversation a question about `order_id` goes to (to lock it first)."""
    with rt.db.session() as s:
        order = s.get(Order, order_id)
        conv = conversation_of(s, order) if order is not None else None
        return conv.id if conv is not None else None


def ask(rt: Runtime, order_id: int, question: str) -> bool:
    """Put `question` to the order's shopper if it still makes sense; whether it was asked."""
    if question not in QUESTIONS:
        raise ValueError(f"unknown question {question!r}")
    with rt.db.session() as s:
        order = s.get(Order, order_id)
        conv = conversation_of(s, order) if order is not None else None
        if order is None or conv is None:
            return False
        customer = conv.customer_id
        choices: tuple[Choice, ...]
        if question == "updates":
            if ((order.meta or {}).get("asked_updates") or consent.stopped(s, customer)
                    or consent.latest(s, customer, "order_updates")):
                return False
            # Asked once per order, whether creating it or paying for it asked first.
            order.meta = {**(order.meta or {}), "asked_updates": True}
            msgid, choices, topic = OPT_IN, orders.UPDATES_CHOICES, None
            state, slots, kind = orders.ASK_UPDATES, {"order": order.number}, "updates_optin"
        else:
            rated = s.scalar(select(Feedback.id).where(Feedback.order_id == order.id))
            if (order.status != "delivered" or rated is not None
                    or not consent.allowed(s, customer, "order_updates")):
                return False
            msgid, choices, topic = feedback.QUESTION, feedback.SCORES, "order_updates"
            state, slots, kind = feedback.RATE, {feedback.SLOT: order.number}, "feedback"
        locale = locale_of(rt.shop, conv, order)
        reply = _reply(locale, gettext(locale, msgid, number=order.number, shop=rt.shop.name),
                       choices)
        # The question about updates follows the purchase the shopper has just made, so it
        # is expected, even late at night; the feedback question waits for the morning.
        notice = Notice(kind=kind, locale=locale, template=kind, urgent=question == "updates",
                        variables=template_variables(rt.shop, kind, locale, order))
        notices.write(s, rt, conv, reply, notice, topic=topic, meta={"order": order.number})
        conv_id = conv.id
    hot = rt.state.load(conv_id)
    hot.state = state
    hot.slots.update(slots)
    hot.options = [[o.label, o.payload] for o in reply.options]
    hot.locale = hot.locale or locale
    hot.turn = max(hot.turn, 1)  # the shopper's answer is not a first contact to greet
    rt.state.save(conv_id, hot)
    log.info("asked question=%s order=%s conversation=%s", question, order_id, conv_id)
    return True


def _reply(locale: str, text: str, choices: tuple[Choice, ...]) -> Outgoing:
    # Question choices are plain msgids: plural labels (Nn_) make no sense on a button.
    options = tuple(Option(gettext(locale, c.label) if isinstance(c.label, str) else c.label[0],
                           c.payload) for c in choices)
    return Outgoing(text=text, options=options, as_list=len(options) > 3)
