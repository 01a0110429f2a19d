"""The competitor snapshot pass: every ten minutes, a few accounts whose competitors are a day old."""

from __future__ import annotations

from clipper import worker
from clipper.accounts.graph import AccountGraph
from clipper.competitors import snapshots
from clipper.db import utcnow

TICK_SECONDS = 600


async def snapshot_competitors(ctx: worker.JobContext) -> None:
    """Store today's figures of the due accounts and their competitors (Meta read outside transactions)."""
    await snapshots.snapshot_due_accounts(
        ctx.session_factory,
        AccountGraph.of(ctx.resources),
        now=utcnow(),
        accounts_per_tick=ctx.settings.competitors_accounts_per_tick,
        posts=ctx.settings.competitors_recent_posts,
    )


worker.register_periodic("competitors.snapshot", TICK_SECONDS, snapshot_competitors)
