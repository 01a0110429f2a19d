"""Periodic token health check of every connected account (`debug_token`), every six hours."""

from __future__ import annotations

from clipper import worker
from clipper.accounts import notify, service
from clipper.db import unit_of_work

HEALTH_CHECK_EVERY_SECONDS = 6 * 3600


async def check_accounts_health(ctx: worker.JobContext) -> None:
    """Check every active account's token in one unit of work, then announce the changed ones."""
    async with unit_of_work(ctx.session_factory) as session:
        report = await service.check_all_accounts(session, graph=ctx.graph, cipher=ctx.cipher)
    for account in report.changed:
        await notify.account_updated(ctx.events, account)


worker.register_periodic("accounts.check_health", HEALTH_CHECK_EVERY_SECONDS, check_accounts_health)
