"""Gauges read from the database when `/metrics` is scraped: what is stuck, waiting or about to expire.

Counters live in each process (clipper.observability); these gauges are the shared state, so every API
process reports the same values (aggregate them with `max`, not `sum`, across instances).
"""

from __future__ import annotations

from datetime import UTC, timedelta

import structlog
from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.models import Account, AccountHealth
from clipper.db import utcnow
from clipper.social.models import PostStatus, SocialPost
from clipper.webhooks.models import EventStatus, WebhookEvent

log = structlog.get_logger(__name__)

# The window in which a token counts as expiring (the doctor warns over the same one).
EXPIRING_WITHIN = timedelta(days=7)

POSTS = Gauge("clipper_posts", "Posts by status (database)", ["status"])
WEBHOOK_EVENTS_PENDING = Gauge(
    "clipper_webhook_events_pending", "Webhook updates stored and not processed yet"
)
WEBHOOK_OLDEST_PENDING_SECONDS = Gauge(
    "clipper_webhook_oldest_pending_seconds", "Age of the oldest unprocessed webhook update (0 when none)"
)
ACCOUNTS = Gauge("clipper_accounts", "Connected (active) accounts by health", ["health"])
TOKENS_EXPIRING = Gauge(
    "clipper_tokens_expiring", "Active accounts whose token expires within 7 days (or has expired)"
)


async def refresh(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """Set the gauges from the database; on a database error they keep their last values."""
    now = utcnow()
    try:
        async with session_factory() as session:
            by_status = select(SocialPost.status, func.count()).group_by(SocialPost.status)
            posts = {str(status): int(count) for status, count in await session.execute(by_status)}
            pending = (
                await session.execute(
                    select(func.count(), func.min(WebhookEvent.received_at)).where(
                        WebhookEvent.status == EventStatus.PENDING
                    )
                )
            ).one()
            active = Account.is_active.is_(True)
            by_health = (
                select(Account.health_status, func.count()).where(active).group_by(Account.health_status)
            )
            health = {str(state): int(count) for state, count in await session.execute(by_health)}
            expiring = await session.scalar(
                select(func.count()).where(active, Account.token_expires_at <= now + EXPIRING_WITHIN)
            )
    except (SQLAlchemyError, OSError) as exc:
        log.warning("metrics: database unavailable", error_type=type(exc).__name__)
        return
    for status in PostStatus:
        POSTS.labels(status=status.value).set(posts.get(status.value, 0))
    count, oldest = pending
    WEBHOOK_EVENTS_PENDING.set(count)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    WEBHOOK_OLDEST_PENDING_SECONDS.set(max((now - oldest).total_seconds(), 0) if oldest is not None else 0)
    for state in AccountHealth:
        ACCOUNTS.labels(health=state.value).set(health.get(state.value, 0))
    TOKENS_EXPIRING.set(expiring or 0)
