"""The daily snapshot pass: for a few due accounts per tick, our account's figures and each competitor's.

Work per tick is bounded: at most `accounts_per_tick` accounts, each with at most the per-account limit
of competitors (one Graph call each) plus two calls for our own figures. A competitor is due a day after
it was last tried, so accounts spread over the day. Meta is called with no transaction open; each result
is written in a short unit of work of its own. A rate limit ends the tick; a refused token or a missing
permission ends that account's turn (the gateway has recorded it); any other refusal is kept on the
competitor (`last_error`) and it is tried again the next day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.competitors import figures, store
from clipper.competitors.models import OWN_SUBJECT, Competitor
from clipper.db import unit_of_work
from clipper.errors import ClipperError, ReconnectRequired, TooManyRequests

log = structlog.get_logger(__name__)


@dataclass
class PassReport:
    """What one tick did."""

    accounts: int = 0
    snapshots: int = 0
    failed: list[str] = field(default_factory=list)
    rate_limited: bool = False


class _StopTick(Exception):
    pass


async def _due(
    factory: async_sessionmaker[AsyncSession], account_id: int, now: datetime
) -> tuple[Account | None, list[Competitor]]:
    async with unit_of_work(factory, immediate=False) as session:
        account = await session.get(Account, account_id)
        stale = now - timedelta(days=1)
        rows = await session.scalars(
            select(Competitor)
            .where(Competitor.account_id == account_id)
            .where((Competitor.checked_at.is_(None)) | (Competitor.checked_at <= stale))
            .order_by(Competitor.id)
        )
        return account, list(rows)


async def _keep(
    factory: async_sessionmaker[AsyncSession],
    *,
    account_id: int,
    subject: str,
    now: datetime,
    reading: figures.Reading | None,
    error: str | None = None,
) -> None:
    async with unit_of_work(factory) as session:
        if reading is not None:
            await store.store_reading(
                session, account_id=account_id, subject=subject, day=now.date(), reading=reading
            )
        if subject != OWN_SUBJECT:
            competitor = await store.find_competitor(session, account_id=account_id, username=subject)
            if competitor is not None:
                competitor.checked_at = now
                competitor.last_error = error
                if reading is not None and reading.ig_user_id:
                    competitor.ig_user_id = reading.ig_user_id


async def _read(access: AccountGraph, account: Account, subject: str, *, posts: int) -> figures.Reading:
    if subject == OWN_SUBJECT:
        async with access.calling(account, figures.OWN_PERMISSION) as client:
            return await figures.read_own(client, account, posts=posts)
    return await figures.discover_through(access, account, subject, posts=posts)


async def _snapshot_account(
    factory: async_sessionmaker[AsyncSession],
    access: AccountGraph,
    *,
    account: Account,
    competitors: list[Competitor],
    now: datetime,
    posts: int,
    report: PassReport,
) -> None:
    for subject in (OWN_SUBJECT, *(c.username for c in competitors)):
        try:
            reading = await _read(access, account, subject, posts=posts)
        except TooManyRequests as error:
            report.rate_limited = True
            raise _StopTick from error
        except ReconnectRequired as error:  # also a refused token: every later call would fail too
            report.failed.append(f"{account.id}:{subject}: {error.message}")
            return
        except ClipperError as error:
            report.failed.append(f"{account.id}:{subject}: {error.message}")
            await _keep(
                factory, account_id=account.id, subject=subject, now=now, reading=None, error=error.message
            )
            continue
        await _keep(factory, account_id=account.id, subject=subject, now=now, reading=reading)
        report.snapshots += 1


async def snapshot_due_accounts(
    factory: async_sessionmaker[AsyncSession],
    access: AccountGraph,
    *,
    now: datetime,
    accounts_per_tick: int,
    posts: int,
) -> PassReport:
    """Snapshot up to `accounts_per_tick` due accounts: our figures, then each due competitor's."""
    report = PassReport()
    async with unit_of_work(factory, immediate=False) as session:
        due = await store.due_account_ids(session, now=now, limit=accounts_per_tick)
    for account_id in due:
        account, competitors = await _due(factory, account_id, now)
        if account is None or not competitors:
            continue
        report.accounts += 1
        try:
            await _snapshot_account(
                factory, access, account=account, competitors=competitors, now=now, posts=posts, report=report
            )
        except _StopTick:
            log.info("competitor snapshots paused by a rate limit", account_id=account_id)
            break
    return report
