"""Accounts: the IG profile (followers, media count, picture) kept current by connect and health checks.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 16:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("followers_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("media_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("profile_picture_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("profile_refreshed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("profile_refreshed_at")
        batch_op.drop_column("profile_picture_url")
        batch_op.drop_column("media_count")
        batch_op.drop_column("followers_count")
