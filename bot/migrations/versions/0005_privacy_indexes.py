"""privacy: indexes for the retention job and consent lookups

Revision ID: 0005
Revises: 0002
"""

from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_created", "messages", ["created_at"])
    op.create_index("ix_consent_customer_topic", "consent_events",
                    ["customer_id", "topic", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_consent_customer_topic", table_name="consent_events")
    op.drop_index("ix_messages_created", table_name="messages")
