"""An index of the posts whose publish may have landed without a known media id (the look-alike check).

Before each `media_publish` the engine looks for such posts of the same account; through the account
index that read every post the account ever had (a backlog of 10,000 posts: 10,000 rows per publish).
The partial index holds only the few in flight.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 21:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FLIGHT = sa.text("publish_sent_at IS NOT NULL AND platform_post_id IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_social_posts_in_flight",
        "social_posts",
        ["account_id"],
        sqlite_where=IN_FLIGHT,
        postgresql_where=IN_FLIGHT,
    )


def downgrade() -> None:
    op.drop_index("ix_social_posts_in_flight", table_name="social_posts")
