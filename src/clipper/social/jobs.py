"""Background jobs of the publishing engine: the every-second sweep and the per-post publish task."""

from __future__ import annotations

from datetime import datetime

from clipper import worker
from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.social import service, sweep
from clipper.social.engine import Engine

PUBLISH_TASK = "social.publish_post"
SWEEP_JOB = "social.sweep"


@worker.task(PUBLISH_TASK)
async def publish_post(ctx: worker.JobContext, *, post_id: int, lease_until: str | None = None) -> None:
    """Run one claimed post through the engine."""
    lease = datetime.fromisoformat(lease_until) if lease_until else None
    await service.publish_post(Engine(ctx.resources), post_id=post_id, lease_until=lease)


async def sweep_due(ctx: worker.JobContext) -> int:
    """Claim due posts and queue one publish task each; returns how many."""
    async with unit_of_work(ctx.session_factory) as session:
        claimed = await sweep.claim_due(
            session, lease_seconds=ctx.settings.publish_lease_seconds, batch=ctx.settings.publish_sweep_batch
        )
    for post_id, lease in claimed:
        await ctx.enqueue(PUBLISH_TASK, post_id=post_id, lease_until=lease.isoformat())
    return len(claimed)


async def _sweep(ctx: worker.JobContext) -> None:
    await sweep_due(ctx)


def _interval(settings: Settings) -> float:
    return settings.publish_sweep_seconds


worker.register_periodic(SWEEP_JOB, _interval, _sweep)
