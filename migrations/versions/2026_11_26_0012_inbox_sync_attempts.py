"""Inbox sync: every attempt recorded, the next one scheduled (with a backoff after failures).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 17:45:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_sync_state") as batch_op:
        batch_op.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_sync_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_inbox_sync_state_next_sync_at"), ["next_sync_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox_sync_state") as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_sync_state_next_sync_at"))
        batch_op.drop_column("consecutive_failures")
        batch_op.drop_column("next_sync_at")
        batch_op.drop_column("attempted_at")
