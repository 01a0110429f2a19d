"""Reading and writing stored insights (upserts that work on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.db import unit_of_work, utcnow
from clipper.insights.models import InsightSnapshot, MediaInsightSnapshot

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DayValue:
    """One stored day of one metric."""

    metric: str
    day: date
    value: int | None
    detail: dict[str, Any] | None = None


@asynccontextmanager
async def kept_if_possible(session: AsyncSession) -> AsyncIterator[None]:
    """Write snapshots in a savepoint that may give up: the answer goes out without them.

    On SQLite a read-only request that then writes fails at once ("database is locked") when another
    request committed since it read (its snapshot is stale; waiting cannot help). Snapshots only save
    later calls to Meta, so losing them is better than failing the page; the next read stores them.
    """
    try:
        async with session.begin_nested():
            yield
    except OperationalError as error:
        if session.get_bind().dialect.name != "sqlite":
            raise
        log.info("insights snapshot not stored", reason=str(error.orig))


async def keep_days(
    factory: async_sessionmaker[AsyncSession], *, account_id: int, values: list[DayValue]
) -> None:
    """`store_days` in a short unit of work of its own (once Meta answered), in a savepoint that may
    give up."""
    async with unit_of_work(factory) as session, kept_if_possible(session):
        await store_days(session, account_id=account_id, values=values)


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def load_days(
    session: AsyncSession, *, account_id: int, metrics: Iterable[str], first: date, last: date
) -> dict[str, dict[date, DayValue]]:
    """Stored days of the metrics between `first` and `last`, by metric then day."""
    rows = await session.scalars(
        select(InsightSnapshot).where(
            InsightSnapshot.account_id == account_id,
            InsightSnapshot.metric.in_(list(metrics)),
            InsightSnapshot.day.between(first, last),
        )
    )
    found: dict[str, dict[date, DayValue]] = {}
    for row in rows:
        found.setdefault(row.metric, {})[row.day] = DayValue(row.metric, row.day, row.value, row.detail)
    return found


async def store_days(session: AsyncSession, *, account_id: int, values: Sequence[DayValue]) -> None:
    """Insert or refresh days (a later fetch wins: Meta's numbers settle for up to 48 h)."""
    if not values:
        return
    now = utcnow()
    rows = [
        {"account_id": account_id, "metric": v.metric, "day": v.day, "value": v.value, "detail": v.detail}
        | {"fetched_at": now}
        for v in values
    ]
    statement = _insert(session, InsightSnapshot).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["account_id", "metric", "day"],
        set_={"value": statement.excluded.value, "detail": statement.excluded.detail, "fetched_at": now},
    )
    await session.execute(statement)


async def store_media(
    session: AsyncSession,
    *,
    account_id: int,
    media_id: str,
    product: str,
    values: dict[str, Any],
    source: str,
    posted_at: datetime | None = None,
    permalink: str | None = None,
) -> None:
    """Insert or refresh the lifetime numbers of one media."""
    now = utcnow()
    row = {
        "account_id": account_id,
        "media_id": media_id,
        "media_product_type": product,
        "metrics": values,
        "source": source,
        "posted_at": posted_at,
        "permalink": permalink,
        "captured_at": now,
    }
    statement = _insert(session, MediaInsightSnapshot).values(row)
    update = {"metrics": values, "source": source, "captured_at": now, "media_product_type": product}
    if posted_at is not None:
        update["posted_at"] = posted_at
    if permalink is not None:
        update["permalink"] = permalink
    statement = statement.on_conflict_do_update(index_elements=["account_id", "media_id"], set_=update)
    await session.execute(statement)


async def load_media(session: AsyncSession, *, account_id: int, media_id: str) -> MediaInsightSnapshot | None:
    """The stored numbers of one media of the account."""
    return await session.scalar(
        select(MediaInsightSnapshot).where(
            MediaInsightSnapshot.account_id == account_id, MediaInsightSnapshot.media_id == media_id
        )
    )


async def find_media_owner(session: AsyncSession, *, account_ids: Sequence[int], media_id: str) -> int | None:
    """Which of these accounts has stored numbers for the media."""
    return await session.scalar(
        select(MediaInsightSnapshot.account_id).where(
            MediaInsightSnapshot.account_id.in_(list(account_ids)), MediaInsightSnapshot.media_id == media_id
        )
    )


async def load_media_many(
    session: AsyncSession, *, account_id: int, media_ids: Sequence[str]
) -> dict[str, MediaInsightSnapshot]:
    """The stored numbers of several media of the account, by media id."""
    if not media_ids:
        return {}
    rows = await session.scalars(
        select(MediaInsightSnapshot).where(
            MediaInsightSnapshot.account_id == account_id, MediaInsightSnapshot.media_id.in_(list(media_ids))
        )
    )
    return {row.media_id: row for row in rows}


async def has_metric(session: AsyncSession, *, account_id: int, metric: str) -> bool:
    """Whether any day of one metric of the account is stored."""
    found = await session.scalar(
        select(InsightSnapshot.id)
        .where(InsightSnapshot.account_id == account_id, InsightSnapshot.metric == metric)
        .limit(1)
    )
    return found is not None
