"""Orders after the sale: events and status, the shopper's notifications, tracking in chat.

    events.py     apply_event(): the one door for every status change, from any source
    status.py     the status as a function of the events, whatever order they came in
    notify.py     the shopper's message about an event, in their language
    questions.py  asking for consent to updates, and for feedback after delivery
    create.py     orders the merchant API creates for a shopper's address
    facts.py      the shopper's own orders for the flows; chat.py what the flows ask for
    texts.py      every sentence a shopper reads about an order
"""

from bot.orders.events import Applied, apply_event

__all__ = ["Applied", "apply_event"]
