"""Competitor benchmarks: tracked competitors per account and their daily figures beside the account's own.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 20:20:35.719165+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "competitor_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=31), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("followers_count", sa.BigInteger(), nullable=True),
        sa.Column("media_count", sa.Integer(), nullable=True),
        sa.Column("avg_likes", sa.Float(), nullable=True),
        sa.Column("avg_comments", sa.Float(), nullable=True),
        sa.Column("posts_sampled", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_competitor_snapshots_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitor_snapshots")),
        sa.UniqueConstraint(
            "account_id", "subject", "day", name=op.f("uq_competitor_snapshots_account_id_subject_day")
        ),
    )
    with op.batch_alter_table("competitor_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competitor_snapshots_account_id"), ["account_id"], unique=False)

    op.create_table(
        "competitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=30), nullable=False),
        sa.Column("ig_user_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("profile_picture_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_competitors_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitors")),
        sa.UniqueConstraint("account_id", "username", name=op.f("uq_competitors_account_id_username")),
    )
    with op.batch_alter_table("competitors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competitors_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("competitors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competitors_account_id"))

    op.drop_table("competitors")
    with op.batch_alter_table("competitor_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competitor_snapshots_account_id"))

    op.drop_table("competitor_snapshots")
