"""Accounts record how they were connected: Facebook Login (a Page) or Instagram Login (no Page).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 13:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every account so far came through Facebook Login.
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(
            sa.Column("login_flavour", sa.String(length=16), server_default="facebook", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("login_flavour")
