"""Inbox jobs: backfill one account; a periodic pass syncs the accounts that are due, a few at a time."""

from __future__ import annotations

from clipper import worker
from clipper.accounts.graph import AccountGraph
from clipper.inbox import sync

TICK_SECONDS = 60.0


@worker.task("inbox.sync_account")
async def sync_account(ctx: worker.JobContext, *, account_id: int) -> None:
    """Backfill one account's comments and conversations (short units of work, Meta read outside them)."""
    await sync.sync_account(
        ctx.session_factory,
        account_id=account_id,
        access=AccountGraph.of(ctx.resources),
        media_count=ctx.settings.inbox_sync_media_count,
        interval_seconds=ctx.settings.inbox_sync_interval_seconds,
        hub=ctx.events,
    )


async def sync_due_accounts(ctx: worker.JobContext) -> None:
    """Sync the due accounts, a few per tick (spreading Graph usage); a rate limit ends the tick."""
    await sync.sync_due_accounts(
        ctx.session_factory,
        access=AccountGraph.of(ctx.resources),
        media_count=ctx.settings.inbox_sync_media_count,
        interval_seconds=ctx.settings.inbox_sync_interval_seconds,
        per_pass=ctx.settings.inbox_sync_accounts_per_tick,
        hub=ctx.events,
    )


worker.register_periodic("inbox.sync", TICK_SECONDS, sync_due_accounts)
