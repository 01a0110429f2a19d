"""Mentions: comments and captions of other people's media that @mention a connected account.

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-26 16:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_mention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "comment",
                "caption",
                name="inbox_mention_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("platform_id", sa.String(length=64), nullable=False),
        sa.Column("media_id", sa.String(length=64), nullable=False),
        sa.Column("comment_id", sa.String(length=64), nullable=True),
        sa.Column("author_username", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media_caption", sa.Text(), nullable=True),
        sa.Column("media_type", sa.String(length=32), nullable=True),
        sa.Column("media_url", sa.Text(), nullable=True),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("mentioned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_inbox_mention_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_mention")),
        sa.UniqueConstraint(
            "account_id", "platform_id", name=op.f("uq_inbox_mention_account_id_platform_id")
        ),
    )
    with op.batch_alter_table("inbox_mention", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbox_mention_account_id_mentioned_at", ["account_id", "mentioned_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inbox_mention", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_mention_account_id_mentioned_at")

    op.drop_table("inbox_mention")
