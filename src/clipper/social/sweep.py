"""The sweep: claim due posts atomically (a lease) so exactly one worker runs each."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.observability import PUBLISH_QUEUE_DEPTH
from clipper.social.models import PostStatus, SocialPost

ACTIVE = (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.UNCONFIRMED)


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        SocialPost.status.in_(ACTIVE),
        SocialPost.next_attempt_at <= now,
        or_(SocialPost.lease_until.is_(None), SocialPost.lease_until < now),
    ]


async def claim_due(
    session: AsyncSession, *, lease_seconds: float, batch: int, now: datetime | None = None
) -> list[tuple[int, datetime]]:
    """Lease up to `batch` due posts (expired leases included) in one UPDATE; return (id, lease)."""
    now = now or utcnow()
    lease = now + timedelta(seconds=lease_seconds)
    candidates = select(SocialPost.id).where(*_due(now)).order_by(SocialPost.next_attempt_at).limit(batch)
    chosen = SocialPost.id.in_(candidates.scalar_subquery())
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent sweeps skip each other's rows instead of queueing behind them. The ids are read
        # (and locked) first: inside `IN (...)` PostgreSQL may plan the LIMIT subquery as the inner side
        # of a nested-loop semi-join, re-run per row, and claim far more than `batch`.
        chosen = SocialPost.id.in_(list(await session.scalars(candidates.with_for_update(skip_locked=True))))
    claimed = await session.scalars(
        update(SocialPost)
        .where(chosen, *_due(now))
        .values(lease_until=lease)
        .returning(SocialPost.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(claimed)
    remaining: int | None = await session.scalar(
        select(func.count()).select_from(SocialPost).where(*_due(now))
    )
    PUBLISH_QUEUE_DEPTH.set(len(ids) + (remaining or 0))
    return [(post_id, lease) for post_id in ids]
