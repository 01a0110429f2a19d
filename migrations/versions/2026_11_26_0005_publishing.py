"""Publishing engine: timeline, first comment id, when media_publish was sent, removal.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-26 15:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("social_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publish_sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_comment_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "timeline",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("social_posts", schema=None) as batch_op:
        batch_op.drop_column("timeline")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("first_comment_id")
        batch_op.drop_column("publish_sent_at")
