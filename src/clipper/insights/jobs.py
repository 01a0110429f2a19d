"""Periodic insights work: hourly snapshots (each account once a day) and story capture every 30 minutes."""

from __future__ import annotations

from clipper import worker
from clipper.insights import sync
from clipper.insights.cache import Services

SNAPSHOT_EVERY_SECONDS = 3600
# Stories vanish from the API 24 h after posting; capturing every half hour keeps the last numbers fresh.
STORIES_EVERY_SECONDS = 1800


async def snapshot_accounts(ctx: worker.JobContext) -> None:
    """Store the daily snapshots of the accounts whose hour it is."""
    await sync.snapshot_due_accounts(ctx.session_factory, services=Services.of(ctx.resources))


async def capture_stories(ctx: worker.JobContext) -> None:
    """Store the numbers of every live story."""
    await sync.capture_all_stories(ctx.session_factory, services=Services.of(ctx.resources))


worker.register_periodic("insights.snapshot", SNAPSHOT_EVERY_SECONDS, snapshot_accounts)
worker.register_periodic("insights.stories", STORIES_EVERY_SECONDS, capture_stories)
