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
from bot.models.catalog import CatalogState, catalog_version, touch_catalog
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
from bot.models.console import AgentNote, CannedReply, Handoff, HandoffOutcome
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
from bot.models.trust import CONSENT_BY_TOPIC, MESSAGES_BY_TIME

__all__ = [
    "CONSENT_BY_TOPIC",
    "MESSAGES_BY_TIME",
    "DELIVERY_RANK",
    "Agent",
    "AgentNote",
    "ApiKey",
    "AuditEntry",
    "Base",
    "BigId",
    "Campaign",
    "CampaignMessage",
    "CampaignStatus",
    "CannedReply",
    "Cart",
    "CartItem",
    "CatalogState",
    "ChannelAddress",
    "ConsentEvent",
    "Conversation",
    "ConversationStatus",
    "Customer",
    "CustomerTag",
    "DeliveryEvent",
    "Handoff",
    "HandoffOutcome",
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
    "catalog_version",
    "touch_catalog",
    "utcnow",
]
