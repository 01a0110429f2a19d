"""Background capture: daily account snapshots (accounts spread over the day) and live story numbers.

Each account gets its own unit of work, so one failing account never undoes the others. A rate limit
stops the pass: the accounts left over are picked up by the next one (their days are still missing).

An account's first snapshot copies all the history Meta still holds (90 days, in ≤ 30-day windows);
later ones only the last finished days. The backfill is recorded (a `BACKFILLED` row, dated the day it
ran) with the values it stored, so it runs once per account whatever days Meta had numbers for; one
that failed stored nothing, marker included, and is tried again on the next snapshot.
Snapshots and story captures read Meta with no transaction open, then store what it answered in one
short unit of work: no SQLite write lock is held while Meta answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.graph import graph_errors_outside
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_INSIGHTS
from clipper.db import unit_of_work
from clipper.errors import ClipperError, TooManyRequests
from clipper.insights import ranges, snapshots, stories
from clipper.insights.account import fetch, plan
from clipper.insights.audience import fetch_online, missing_online
from clipper.insights.cache import Services
from clipper.insights.catalogue import ACCOUNT_METRICS
from clipper.instagram import InstagramGraphAPI

log = structlog.get_logger(__name__)

# Meta's numbers can lag up to 48 h, so the last two finished days are fetched again each time.
SETTLING_DAYS = 2
SLOTS_PER_DAY = 24
# Not a Meta metric: its one row says the account's history was copied (never asked for by name).
BACKFILLED = "history_backfilled"


@dataclass
class SyncReport:
    """What one pass did."""

    accounts: int = 0
    failed: int = 0
    stopped_by_rate_limit: bool = False


@dataclass(frozen=True)
class SnapshotPlan:
    """What one account's snapshot asks Meta for: metric groups by (metric_type, span), online days."""

    groups: list[tuple[str, list[str], tuple[date, date]]]
    online_missing: list[date]
    backfill: bool


async def plan_snapshot(session: AsyncSession, *, account_id: int) -> SnapshotPlan:
    """The last finished days; on the first snapshot, every day Meta still holds (see the module doc)."""
    now_day = ranges.today()
    last = now_day - timedelta(days=1)
    backfill = not await snapshots.has_metric(session, account_id=account_id, metric=BACKFILLED)
    first = ranges.retained_since(now_day) if backfill else last - timedelta(days=SETTLING_DAYS - 1)
    groups = [
        (metric_type, need.names, span)
        for (metric_type, span), need in plan(ACCOUNT_METRICS, {}, first, last).items()
    ]
    _, online_missing = await missing_online(session, account_id=account_id)
    return SnapshotPlan(groups, online_missing, backfill)


async def fetch_snapshot(
    client: InstagramGraphAPI, ig_id: str, plan: SnapshotPlan
) -> list[snapshots.DayValue]:
    """Ask Meta for the plan's days (≤ 30-day windows; total-only metrics' days batched)."""
    values: list[snapshots.DayValue] = []
    for metric_type, names, span in plan.groups:
        answer = await fetch(client, ig_id, metric_type, names, span)
        values += [snapshots.DayValue(m, d, v) for m, days in answer.daily.items() for d, v in days.items()]
    return values + await fetch_online(client, ig_id, plan.online_missing)


async def _snapshot_one(
    factory: async_sessionmaker[AsyncSession], account_id: int, services: Services
) -> None:
    # Meta is asked between two short sessions, so no write lock is held while it answers.
    async with factory() as session:
        account = await session.get_one(Account, account_id)
        planned = await plan_snapshot(session, account_id=account_id)
    client = services.client(account, MANAGE_INSIGHTS)
    async with graph_errors_outside(factory, account, permission=MANAGE_INSIGHTS, hub=None):
        values = await fetch_snapshot(client, account.platform_account_id, planned)
    marker = [snapshots.DayValue(BACKFILLED, ranges.today(), len(values))] if planned.backfill else []
    async with unit_of_work(factory) as session:
        await snapshots.store_days(session, account_id=account_id, values=values + marker)
    if planned.backfill:
        log.info("insights history backfilled", account_id=account_id, values=len(values))


async def _capture_one(
    factory: async_sessionmaker[AsyncSession], account_id: int, services: Services
) -> None:
    # Like snapshots: Meta is read with no session open, then one short unit of work stores the numbers.
    async with factory() as session:
        account = await session.get_one(Account, account_id)
    client = services.client(account, MANAGE_INSIGHTS)
    async with graph_errors_outside(factory, account, permission=MANAGE_INSIGHTS, hub=None):
        _, numbers = await stories.read_live_stories(client, account.platform_account_id)
    async with unit_of_work(factory) as session:
        await stories.store_stories(session, account_id=account_id, numbers=numbers)


def due(account_ids: Sequence[int], now: datetime) -> list[int]:
    """The accounts whose slot is this hour: each account once a day, spread over the 24 hours."""
    return [account_id for account_id in account_ids if account_id % SLOTS_PER_DAY == now.hour]


async def _insight_accounts(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    async with factory() as session:  # a read: no unit of work (it would take SQLite's write lock)
        active = await session.scalars(
            select(Account).where(Account.is_active, Account.platform == "instagram").order_by(Account.id)
        )
        return [a.id for a in active if accounts.can(a, MANAGE_INSIGHTS)]


Work = Callable[[async_sessionmaker[AsyncSession], int, Services], Awaitable[None]]


async def _each(
    factory: async_sessionmaker[AsyncSession], ids: Sequence[int], work: Work, services: Services
) -> SyncReport:
    report = SyncReport()
    for account_id in ids:
        try:
            await work(factory, account_id, services)
            report.accounts += 1
        except TooManyRequests:
            report.stopped_by_rate_limit = True
            log.warning("insights sync paused by a rate limit", work=work.__name__, account_id=account_id)
            break
        except ClipperError as error:
            report.failed += 1
            log.warning("insights sync failed", work=work.__name__, account_id=account_id, error=error.error)
    return report


async def snapshot_due_accounts(
    factory: async_sessionmaker[AsyncSession], *, services: Services, now: datetime | None = None
) -> SyncReport:
    """Snapshot the accounts whose hour it is."""
    ids = due(await _insight_accounts(factory), now or datetime.now(UTC))
    return await _each(factory, ids, _snapshot_one, services)


async def capture_all_stories(factory: async_sessionmaker[AsyncSession], *, services: Services) -> SyncReport:
    """Capture the live stories of every account allowed to read insights."""
    return await _each(factory, await _insight_accounts(factory), _capture_one, services)
