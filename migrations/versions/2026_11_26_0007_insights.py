"""Insights: daily account metric snapshots and the latest lifetime numbers of each media.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "insight_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.Column("detail", JSON, nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_insight_snapshots_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_snapshots")),
        sa.UniqueConstraint(
            "account_id", "metric", "day", name=op.f("uq_insight_snapshots_account_id_metric_day")
        ),
    )
    op.create_index(
        op.f("ix_insight_snapshots_account_id"), "insight_snapshots", ["account_id"], unique=False
    )
    op.create_table(
        "media_insight_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(length=64), nullable=False),
        sa.Column("media_product_type", sa.String(length=16), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("permalink", sa.String(length=512), nullable=True),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_media_insight_snapshots_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_insight_snapshots")),
        sa.UniqueConstraint(
            "account_id", "media_id", name=op.f("uq_media_insight_snapshots_account_id_media_id")
        ),
    )
    op.create_index(
        op.f("ix_media_insight_snapshots_account_id"), "media_insight_snapshots", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_media_insight_snapshots_account_id"), table_name="media_insight_snapshots")
    op.drop_table("media_insight_snapshots")
    op.drop_index(op.f("ix_insight_snapshots_account_id"), table_name="insight_snapshots")
    op.drop_table("insight_snapshots")
