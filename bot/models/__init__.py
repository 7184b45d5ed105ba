"""SQLAlchemy models: what must survive Redis (DESIGN.md, "Conversation state").

One module per area; every model is re-exported here so `Base.metadata` (and
Alembic) sees them all. Persisted status values are lowercase strings that never
change without a migration.
"""

from bot.models.admin import Agent, ApiKey, AuditEntry
from bot.models.aftersale import (
    Campaign,
    CampaignMessage,
    CampaignStatus,
    CustomerTag,
    Feedback,
)
from bot.models.base import Base, BigId, UTCDateTime, utcnow
from bot.models.commerce import (
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Payment,
    Product,
    ProviderEvent,
    Variant,
)
from bot.models.core import (
    DELIVERY_RANK,
    ChannelAddress,
    ConsentEvent,
    Conversation,
    ConversationStatus,
    Customer,
    DeliveryEvent,
    Direction,
    Message,
    MessageStatus,
    Outbox,
    OutboxState,
)

__all__ = [
    "DELIVERY_RANK",
    "Agent",
    "ApiKey",
    "AuditEntry",
    "Base",
    "BigId",
    "Campaign",
    "CampaignMessage",
    "CampaignStatus",
    "Cart",
    "CartItem",
    "ChannelAddress",
    "ConsentEvent",
    "Conversation",
    "ConversationStatus",
    "Customer",
    "CustomerTag",
    "DeliveryEvent",
    "Direction",
    "Feedback",
    "Message",
    "MessageStatus",
    "Order",
    "OrderEvent",
    "OrderItem",
    "OrderStatus",
    "Outbox",
    "OutboxState",
    "Payment",
    "Product",
    "ProviderEvent",
    "UTCDateTime",
    "Variant",
    "utcnow",
]
