"""Queries of the competitors tables (every one scoped by the account, itself checked to be the user's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account, LoginFlavour
from clipper.competitors.figures import Reading
from clipper.competitors.models import Competitor, CompetitorSnapshot
from clipper.db import utcnow


async def list_competitors(session: AsyncSession, *, account_id: int) -> list[Competitor]:
    """The account's competitors, oldest first."""
    rows = await session.scalars(
        select(Competitor).where(Competitor.account_id == account_id).order_by(Competitor.id)
    )
    return list(rows)


async def count_competitors(session: AsyncSession, *, account_id: int) -> int:
    """How many competitors the account tracks."""
    found = await session.scalar(select(func.count()).where(Competitor.account_id == account_id))
    return int(found or 0)


async def find_competitor(session: AsyncSession, *, account_id: int, username: str) -> Competitor | None:
    """The account's competitor with this (lower-cased) username."""
    return await session.scalar(
        select(Competitor).where(Competitor.account_id == account_id, Competitor.username == username)
    )


async def get_competitor(session: AsyncSession, *, account_id: int, competitor_id: int) -> Competitor | None:
    """One of the account's competitors by id."""
    return await session.scalar(
        select(Competitor).where(Competitor.account_id == account_id, Competitor.id == competitor_id)
    )


async def delete_competitor(session: AsyncSession, competitor: Competitor) -> None:
    """Forget a competitor and its history."""
    await session.execute(
        delete(CompetitorSnapshot).where(
            CompetitorSnapshot.account_id == competitor.account_id,
            CompetitorSnapshot.subject == competitor.username,
        )
    )
    await session.delete(competitor)


async def has_snapshot(session: AsyncSession, *, account_id: int, subject: str, day: date) -> bool:
    """Whether the subject's figures of that day are stored."""
    found = await session.scalar(
        select(CompetitorSnapshot.id).where(
            CompetitorSnapshot.account_id == account_id,
            CompetitorSnapshot.subject == subject,
            CompetitorSnapshot.day == day,
        )
    )
    return found is not None


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(CompetitorSnapshot)


async def store_reading(
    session: AsyncSession, *, account_id: int, subject: str, day: date, reading: Reading
) -> None:
    """Insert or refresh the day's figures of one subject (a later read the same day wins)."""
    figures = {
        "followers_count": reading.followers_count,
        "media_count": reading.media_count,
        "avg_likes": reading.avg_likes,
        "avg_comments": reading.avg_comments,
        "posts_sampled": reading.posts_sampled,
        "captured_at": utcnow(),
    }
    statement = _insert(session).values(account_id=account_id, subject=subject, day=day, **figures)
    statement = statement.on_conflict_do_update(
        index_elements=["account_id", "subject", "day"],
        set_={name: getattr(statement.excluded, name) for name in figures},
    )
    await session.execute(statement)


async def latest(session: AsyncSession, *, account_id: int) -> dict[str, CompetitorSnapshot]:
    """The newest snapshot of each subject of the account."""
    newest = (
        select(CompetitorSnapshot.subject, func.max(CompetitorSnapshot.day).label("day"))
        .where(CompetitorSnapshot.account_id == account_id)
        .group_by(CompetitorSnapshot.subject)
        .subquery()
    )
    rows = await session.scalars(
        select(CompetitorSnapshot)
        .join(
            newest,
            (CompetitorSnapshot.subject == newest.c.subject) & (CompetitorSnapshot.day == newest.c.day),
        )
        .where(CompetitorSnapshot.account_id == account_id)
    )
    return {row.subject: row for row in rows}


async def history(
    session: AsyncSession, *, account_id: int, since: date, limit: int
) -> Sequence[CompetitorSnapshot]:
    """The account's snapshots since a day, oldest first (at most `limit` rows)."""
    rows = await session.scalars(
        select(CompetitorSnapshot)
        .where(CompetitorSnapshot.account_id == account_id, CompetitorSnapshot.day >= since)
        .order_by(CompetitorSnapshot.day, CompetitorSnapshot.subject)
        .limit(limit)
    )
    return rows.all()


async def due_account_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[int]:
    """Active Facebook Login accounts with a competitor not tried for a day, least recently tried first."""
    stale = now - timedelta(days=1)
    rows = await session.execute(
        select(Competitor.account_id)
        .join(Account, Account.id == Competitor.account_id)
        .where(
            Account.is_active.is_(True),
            Account.login_flavour == LoginFlavour.FACEBOOK.value,
            or_(Competitor.checked_at.is_(None), Competitor.checked_at <= stale),
        )
        .group_by(Competitor.account_id)
        .order_by(func.min(Competitor.checked_at).asc().nulls_first(), Competitor.account_id)
        .limit(limit)
    )
    return [int(account_id) for (account_id,) in rows]
