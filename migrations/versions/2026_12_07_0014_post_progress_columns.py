"""Posts keep the engine's progress in columns; the timeline becomes an audit log only.

The engine used to read its progress back from the timeline (capped at 100 entries, while a quota wait
added one every 10 minutes). The new columns are filled from each post's timeline here, so a post in
flight goes on where it was.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 17:00:00.000000+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MOMENTS = ("publish_requested_at", "publish_started_at", "container_created_at", "first_comment_sent_at")
FLAGS = ("permalink_unavailable", "first_comment_failed")


def upgrade() -> None:
    with op.batch_alter_table("social_posts") as batch_op:
        for name in MOMENTS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("uploads_pending", JSON, server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("fetch_failures", sa.Integer(), server_default="0", nullable=False))
        for flag in FLAGS:
            batch_op.add_column(sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False))
    _fill_from_timelines()


def downgrade() -> None:
    with op.batch_alter_table("social_posts") as batch_op:
        for name in (*MOMENTS, "uploads_pending", "fetch_failures", *FLAGS):
            batch_op.drop_column(name)


def _fill_from_timelines() -> None:
    posts = sa.table(
        "social_posts",
        sa.column("id", sa.Integer()),
        sa.column("timeline", JSON),
        *(sa.column(name, sa.DateTime(timezone=True)) for name in MOMENTS),
        sa.column("uploads_pending", JSON),
        sa.column("fetch_failures", sa.Integer()),
        *(sa.column(flag, sa.Boolean()) for flag in FLAGS),
    )
    connection = op.get_bind()
    for post_id, timeline in connection.execute(sa.select(posts.c.id, posts.c.timeline)).all():
        progress = progress_of(timeline or [])
        if progress:
            connection.execute(sa.update(posts).where(posts.c.id == post_id).values(**progress))


def progress_of(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """The columns a timeline implies, as the engine used to read them from it (only the non-defaults)."""

    def when(entry: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(entry["at"]).astimezone(UTC)

    def last(event: str) -> datetime | None:
        found = [when(entry) for entry in timeline if entry.get("event") == event]
        return found[-1] if found else None

    def first(event: str) -> datetime | None:
        found = [when(entry) for entry in timeline if entry.get("event") == event]
        return found[0] if found else None

    uploaded = {entry.get("detail") for entry in timeline if entry.get("event") == "uploaded"}
    pending = [
        entry.get("detail")
        for entry in timeline
        if entry.get("event") == "upload_pending" and entry.get("detail") not in uploaded
    ]
    failures = 0
    for entry in reversed(timeline):
        if entry.get("event") in ("publish_requested", "failed"):
            break
        failures += entry.get("event") == "media_fetch_failed"
    found: dict[str, Any] = {
        "publish_requested_at": last("publish_requested"),
        "publish_started_at": first("publish_started"),
        "container_created_at": last("container_created"),
        "first_comment_sent_at": first("first_comment_sent"),
        "uploads_pending": pending,
        "fetch_failures": failures,
        "permalink_unavailable": first("permalink_unavailable") is not None,
        "first_comment_failed": first("first_comment_failed") is not None,
    }
    return {name: value for name, value in found.items() if value}
