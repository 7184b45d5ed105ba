"""catalog version: the row search indexes check to know they are current

Revision ID: 0003
Revises: 0002
"""

import uuid

import sqlalchemy as sa
from alembic import op

import bot.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    state = op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # A token of this database's own, so no two databases ever look alike to an index.
    op.bulk_insert(state, [{"id": 1, "version": 0, "token": uuid.uuid4().hex,
                            "changed_at": bot.models.utcnow()}])


def downgrade() -> None:
    op.drop_table("catalog_state")
