"""What the order and feedback flows ask for: consent to updates, scores, comments."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consent
from bot.effects import EffectContext, handles
from bot.models import Conversation, Feedback, Order
from flows.feedback import CommentOnOrder, RateOrder
from flows.orders import AnswerUpdates

log = logging.getLogger(__name__)


@handles(AnswerUpdates)
def answer_updates(s: Session, conv: Conversation, action: AnswerUpdates,
                   ctx: EffectContext) -> None:
    """Record the shopper's yes or no to order updates, with their message as proof."""
    consent.record(s, conv.customer_id, "order_updates", action.granted, source="shopper",
                   channel=conv.channel, proof=ctx.proof, at=ctx.now)


def _own_order(s: Session, conv: Conversation, number: str) -> Order | None:
    # A number from the conversation's state is still checked against the shopper.
    return s.scalar(select(Order).where(Order.number == number,
                                        Order.customer_id == conv.customer_id))


@handles(RateOrder)
def rate_order(s: Session, conv: Conversation, action: RateOrder, ctx: EffectContext) -> None:
    """Store a score (a second rating of the same order replaces the first)."""
    order = _own_order(s, conv, action.number)
    if order is None:
        log.warning("rating for an order not of this shopper conversation=%s", conv.id)
        return
    feedback = s.scalar(select(Feedback).where(Feedback.order_id == order.id))
    if feedback is None:
        s.add(Feedback(order_id=order.id, customer_id=conv.customer_id, score=action.score,
                       created_at=ctx.now, updated_at=ctx.now))
    else:
        feedback.score = action.score
        feedback.updated_at = ctx.now
    log.info("feedback order=%s score=%d conversation=%s", order.id, action.score, conv.id)


@handles(CommentOnOrder)
def comment_on_order(s: Session, conv: Conversation, action: CommentOnOrder,
                     ctx: EffectContext) -> None:
    """Store the comment with the score it follows."""
    order = _own_order(s, conv, action.number)
    feedback = s.scalar(select(Feedback).where(Feedback.order_id == order.id)) if order else None
    if feedback is None:
        log.warning("comment without a score conversation=%s", conv.id)
        return
    feedback.comment = action.text
    feedback.updated_at = ctx.now
