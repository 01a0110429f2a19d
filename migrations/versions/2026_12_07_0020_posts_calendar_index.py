"""An index for the calendar: a user's listed posts by `scheduled_for`, only those not removed.

The post list picks a page's ids from it alone before reading the rows (`social.service.list_posts`):
a month view six months back read about 25,000 rows to find its 200 without it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LISTED = sa.text("removed_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_social_posts_user_id_scheduled_for",
        "social_posts",
        ["user_id", "scheduled_for"],
        sqlite_where=LISTED,
        postgresql_where=LISTED,
    )


def downgrade() -> None:
    op.drop_index("ix_social_posts_user_id_scheduled_for", table_name="social_posts")
