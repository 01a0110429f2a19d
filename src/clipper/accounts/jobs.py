"""Periodic token health check of every connected account (`debug_token`), every six hours."""

from __future__ import annotations

from clipper import worker
from clipper.accounts import notify, service

HEALTH_CHECK_EVERY_SECONDS = 6 * 3600


async def check_accounts_health(ctx: worker.JobContext) -> None:
    """Check every active account's token (each written in its own short unit of work), announce changes."""
    # Meta is asked with no transaction open: on SQLite a pass over many accounts must not hold the
    # write lock while it waits (publishing, webhooks and the API would fail with "database is locked").
    report = await service.check_all_accounts(service.AccountGraph.of(ctx.resources))
    for account in report.changed:
        await notify.account_updated(ctx.events, account)


worker.register_periodic("accounts.check_health", HEALTH_CHECK_EVERY_SECONDS, check_accounts_health)
