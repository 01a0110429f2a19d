"""Background capture: daily account snapshots (accounts spread over the day) and live story numbers.

Each account gets its own unit of work, so one failing account never undoes the others. A rate limit
stops the pass: the accounts left over are picked up by the next one (their days are still missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.db import unit_of_work
from clipper.errors import ClipperError, TooManyRequests
from clipper.insights import ranges, snapshots, stories
from clipper.insights.access import MANAGE_INSIGHTS, Services, client_for, graph_errors
from clipper.insights.account import fetch
from clipper.insights.audience import online_days
from clipper.insights.catalogue import ACCOUNT_METRICS, TIME_SERIES, TOTAL_VALUE, account_metric_type

log = structlog.get_logger(__name__)

# Meta's numbers can lag up to 48 h, so the last two finished days are fetched again each time.
SETTLING_DAYS = 2
SLOTS_PER_DAY = 24


@dataclass
class SyncReport:
    """What one pass did."""

    accounts: int = 0
    failed: int = 0
    stopped_by_rate_limit: bool = False


async def snapshot_account(session: AsyncSession, *, account: Account, services: Services) -> int:
    """Store the last finished days of every account metric and the online-followers curve; → days stored."""
    client = client_for(account, services)
    last = ranges.today() - timedelta(days=1)
    first = last - timedelta(days=SETTLING_DAYS - 1)
    series = [m for m in ACCOUNT_METRICS if account_metric_type(m) == TIME_SERIES]
    totals = [m for m in ACCOUNT_METRICS if account_metric_type(m) == TOTAL_VALUE]
    stored = 0
    async with graph_errors(session, account):
        answers = [
            await fetch(client, account.platform_account_id, TIME_SERIES, series, (first, last)),
            # Every day of the span, batched in one HTTP call.
            await fetch(client, account.platform_account_id, TOTAL_VALUE, totals, (first, last)),
        ]
    for answer in answers:
        values = [snapshots.DayValue(m, d, v) for m, days in answer.daily.items() for d, v in days.items()]
        await snapshots.store_days(session, account_id=account.id, values=values)
        stored += len(values)
    await online_days(session, account=account, services=services)
    return stored


def due(account_ids: Sequence[int], now: datetime) -> list[int]:
    """The accounts whose slot is this hour: each account once a day, spread over the 24 hours."""
    return [account_id for account_id in account_ids if account_id % SLOTS_PER_DAY == now.hour]


async def _insight_accounts(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    async with unit_of_work(factory) as session:
        active = await session.scalars(
            select(Account).where(Account.is_active, Account.platform == "instagram").order_by(Account.id)
        )
        return [a.id for a in active if accounts.has_permission(a.granted_permissions or [], MANAGE_INSIGHTS)]


async def _each(
    factory: async_sessionmaker[AsyncSession], ids: Sequence[int], work: str, services: Services
) -> SyncReport:
    report = SyncReport()
    for account_id in ids:
        try:
            async with accounts.invalidations_kept(factory), unit_of_work(factory) as session:
                account = await session.get_one(Account, account_id)
                if work == "snapshot":
                    await snapshot_account(session, account=account, services=services)
                else:
                    await stories.capture_stories(session, account=account, services=services)
            report.accounts += 1
        except TooManyRequests:
            report.stopped_by_rate_limit = True
            log.warning("insights sync paused by a rate limit", work=work, account_id=account_id)
            break
        except ClipperError as error:
            report.failed += 1
            log.warning("insights sync failed", work=work, account_id=account_id, error=error.error)
    return report


async def snapshot_due_accounts(
    factory: async_sessionmaker[AsyncSession], *, services: Services, now: datetime | None = None
) -> SyncReport:
    """Snapshot the accounts whose hour it is."""
    ids = due(await _insight_accounts(factory), now or datetime.now(UTC))
    return await _each(factory, ids, "snapshot", services)


async def capture_all_stories(factory: async_sessionmaker[AsyncSession], *, services: Services) -> SyncReport:
    """Capture the live stories of every account allowed to read insights."""
    return await _each(factory, await _insight_accounts(factory), "stories", services)
