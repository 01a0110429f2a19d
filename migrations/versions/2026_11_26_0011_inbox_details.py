"""Inbox: the media details a comment is shown with (caption, permalink, product type, thumbnail).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 16:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_comment") as batch_op:
        batch_op.add_column(sa.Column("media_caption", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("media_permalink", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("media_product_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("media_thumbnail_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_comment") as batch_op:
        batch_op.drop_column("media_thumbnail_url")
        batch_op.drop_column("media_product_type")
        batch_op.drop_column("media_permalink")
        batch_op.drop_column("media_caption")
