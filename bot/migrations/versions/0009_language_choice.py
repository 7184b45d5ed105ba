"""language choice: remember that a shopper picked their language themselves

Revision ID: 0009
Revises: 0002
Create Date: 2026-11-25 16:30:00

A language the shopper asked for ("English please", a tap in the language list) must
outlive the conversation's hot state in Redis: afterwards a sentence in another
language no longer switches the replies, and notifications go out in that language.
"""

import sqlalchemy as sa
from alembic import op

import bot.models

revision = "0009"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a column to a table with constraints otherwise.
    with op.batch_alter_table("customers") as batch:
        batch.add_column(
            sa.Column("locale_chosen_at", bot.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("locale_chosen_at")
