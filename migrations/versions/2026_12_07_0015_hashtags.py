"""Hashtag research: each account's searched hashtags (Meta's 30 per 7 days), each user's saved groups.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "hashtag_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("hashtag", sa.String(length=100), nullable=False),
        sa.Column("hashtag_id", sa.String(length=64), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_searched_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_hashtag_search_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hashtag_search")),
        sa.UniqueConstraint("account_id", "hashtag", name=op.f("uq_hashtag_search_account_id_hashtag")),
    )
    with op.batch_alter_table("hashtag_search") as batch_op:
        batch_op.create_index("ix_hashtag_search_account_id_counted_at", ["account_id", "counted_at"], unique=False)
    op.create_table(
        "hashtag_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("hashtags", JSON, nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_hashtag_group_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hashtag_group")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_hashtag_group_user_id_name")),
    )
    with op.batch_alter_table("hashtag_group") as batch_op:
        batch_op.create_index(batch_op.f("ix_hashtag_group_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hashtag_group") as batch_op:
        batch_op.drop_index(batch_op.f("ix_hashtag_group_user_id"))
    op.drop_table("hashtag_group")
    with op.batch_alter_table("hashtag_search") as batch_op:
        batch_op.drop_index("ix_hashtag_search_account_id_counted_at")
    op.drop_table("hashtag_search")
