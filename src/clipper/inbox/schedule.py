"""When each account's inbox is synced: the attempt's report, the next time (backing off after failures
in a row, never before a rate limit's Retry-After), and claiming the next due account for a pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.models import Account
from clipper.db import unit_of_work, utcnow
from clipper.inbox.models import InboxSyncState

# The longest an account waits after failures in a row (the wait doubles with each).
MAX_BACKOFF = timedelta(hours=24)
# A claim that finds its account just taken by a pass that committed meanwhile tries the next one.
CLAIM_TRIES = 3


@dataclass
class SyncReport:
    """What one backfill did."""

    media: int = 0
    comments: int = 0
    new_comments: int = 0
    conversations: int = 0
    new_messages: int = 0
    moderated: int = 0
    errors: list[str] = field(default_factory=list)
    # Not serialised: how the attempt went, for the schedule.
    failed: bool = field(default=False, repr=False)
    rate_limited: bool = field(default=False, repr=False)
    retry_after: int | None = field(default=None, repr=False)

    def add(self, other: SyncReport) -> None:
        """Add the counts of a part's report to this one."""
        for name in ("media", "comments", "new_comments", "conversations", "new_messages", "moderated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def counts(self) -> dict[str, object]:
        """What the API shows of it."""
        return {
            "media": self.media,
            "comments": self.comments,
            "new_comments": self.new_comments,
            "conversations": self.conversations,
            "new_messages": self.new_messages,
            "moderated": self.moderated,
            "errors": self.errors,
        }


async def sync_state(session: AsyncSession, account_id: int) -> InboxSyncState:
    state = await session.get(InboxSyncState, account_id)
    if state is None:
        state = InboxSyncState(account_id=account_id, consecutive_failures=0)
        session.add(state)
    return state


def next_attempt(now: datetime, *, interval_seconds: int, failures: int, retry_after: int | None) -> datetime:
    """When to sync again: after the interval, doubled for each failure in a row (at most a day);
    never before a rate limit's Retry-After."""
    delay = timedelta(seconds=interval_seconds * 2 ** min(failures, 16))
    delay = min(delay, max(MAX_BACKOFF, timedelta(seconds=interval_seconds)))
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay


async def record_attempt(
    factory: async_sessionmaker[AsyncSession], *, account_id: int, report: SyncReport, interval_seconds: int
) -> None:
    """Note the attempt, how it went, and schedule the next one (backing off after failures)."""
    async with unit_of_work(factory) as session:
        if await session.get(Account, account_id) is None:
            return
        state = await sync_state(session, account_id)
        now = utcnow()
        state.attempted_at = now
        state.consecutive_failures = (state.consecutive_failures or 0) + 1 if report.failed else 0
        state.next_sync_at = next_attempt(
            now,
            interval_seconds=interval_seconds,
            failures=state.consecutive_failures,
            retry_after=report.retry_after,
        )
        state.last_error = "; ".join(report.errors) or None


def due_query(now: datetime, limit: int) -> Select[int]:
    """Active accounts whose next sync time has come, never-tried ones first, then the longest waiting."""
    return (
        select(Account.id)
        .outerjoin(InboxSyncState, InboxSyncState.account_id == Account.id)
        .where(Account.is_active, Account.platform == "instagram")
        .where(or_(InboxSyncState.next_sync_at.is_(None), InboxSyncState.next_sync_at <= now))
        .order_by(InboxSyncState.next_sync_at.is_not(None), InboxSyncState.next_sync_at, Account.id)
        .limit(limit)
    )


async def due_accounts(session: AsyncSession, *, limit: int, now: datetime | None = None) -> Sequence[int]:
    """The ids of the accounts due for a sync, in the order they should run."""
    return (await session.scalars(due_query(now or utcnow(), limit))).all()


async def claim(session: AsyncSession, *, lease_seconds: int) -> int | None:
    """In the caller's transaction: the next due account, its next time pushed back by `lease_seconds`.

    On PostgreSQL the account row is locked, skipping those another pass is claiming. Its sync state is
    read only once the lock is held: a pass that claimed it and committed after our first read has then
    pushed it back, and the next due account is tried instead. (SQLite's BEGIN IMMEDIATE serialises.)
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    for _ in range(CLAIM_TRIES):
        now = utcnow()
        query = due_query(now, 1)
        if postgres:
            query = query.with_for_update(skip_locked=True, of=Account)
        account_id = (await session.scalars(query)).first()
        if account_id is None:
            return None
        state = await sync_state(session, account_id)
        if state.next_sync_at is not None and state.next_sync_at > now:
            continue
        state.next_sync_at = now + timedelta(seconds=lease_seconds)
        await session.flush()
        return account_id
    return None


async def claim_next(factory: async_sessionmaker[AsyncSession], *, lease_seconds: int) -> int | None:
    """The next due account, its next time pushed back by `lease_seconds` so no other pass takes it."""
    async with unit_of_work(factory) as session:
        return await claim(session, lease_seconds=lease_seconds)
