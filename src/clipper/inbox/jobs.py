"""Inbox jobs: backfill one account; a periodic tick queues the accounts that are due, a few at a time."""

from __future__ import annotations

from clipper import worker
from clipper.accounts import service as accounts
from clipper.db import unit_of_work
from clipper.inbox import sync
from clipper.inbox.access import GraphAccess

TICK_SECONDS = 60.0


@worker.task("inbox.sync_account")
async def sync_account(ctx: worker.JobContext, *, account_id: int) -> None:
    """Backfill one account's comments and conversations."""
    factory = ctx.session_factory
    async with accounts.invalidations_kept(factory), unit_of_work(factory) as session:
        await sync.sync_account(
            session,
            account_id=account_id,
            access=GraphAccess(ctx.graph, ctx.cipher),
            media_count=ctx.settings.inbox_sync_media_count,
            hub=ctx.events,
        )


async def queue_due_accounts(ctx: worker.JobContext) -> None:
    """Queue the least recently synced due accounts; the per-tick cap spreads Graph usage over time."""
    async with unit_of_work(ctx.session_factory) as session:
        due = await sync.due_accounts(
            session,
            interval_seconds=ctx.settings.inbox_sync_interval_seconds,
            limit=ctx.settings.inbox_sync_accounts_per_tick,
        )
    for account_id in due:
        await ctx.enqueue("inbox.sync_account", account_id=account_id)


worker.register_periodic("inbox.sync", TICK_SECONDS, queue_due_accounts)
