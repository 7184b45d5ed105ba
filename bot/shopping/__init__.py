"""Shopping: the cart, the checkout's questions and quote, and turning a cart into an order.

Flows decide (flows/cart.py, flows/checkout.py); this package looks up what they need
(`facts`), prices it (`pricing`), checks addresses (`places`) and performs their
actions in the worker's transaction (`cart`, `orders`). Payments are in bot/payments.
"""
