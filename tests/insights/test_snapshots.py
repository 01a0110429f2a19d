"""Snapshot writes on a request's read path: a concurrent writer on SQLite must not fail the answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clipper.db import create_engine, create_session_factory, load_models
from clipper.insights import snapshots
from clipper.insights.models import InsightSnapshot
from tests.fixtures.factories import create_account


class TestKeptIfPossible:
    async def test_a_stale_sqlite_reader_answers_without_storing(self, tmp_path):
        load_models()
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'race.db'}", sqlite_foreign_keys=False)
        async with engine.begin() as connection:
            await connection.run_sync(InsightSnapshot.__table__.create)
        factory = create_session_factory(engine)
        day = date(2026, 1, 1)
        try:
            async with factory() as reader, factory() as writer:
                await reader.scalars(select(InsightSnapshot))  # the request has read: its snapshot is set
                await snapshots.store_days(writer, account_id=1, values=[snapshots.DayValue("views", day, 1)])
                await writer.commit()  # another request wrote since
                async with snapshots.kept_if_possible(reader):
                    await snapshots.store_days(
                        reader, account_id=1, values=[snapshots.DayValue("likes", day, 2)]
                    )
                await reader.commit()
            async with factory() as check:
                assert [row.metric for row in await check.scalars(select(InsightSnapshot))] == ["views"]
        finally:
            await engine.dispose()

    async def test_without_a_race_the_snapshot_is_stored(self, session):
        account = await create_account(session)
        async with snapshots.kept_if_possible(session):
            await snapshots.store_days(
                session, account_id=account.id, values=[snapshots.DayValue("views", date(2026, 1, 1), 3)]
            )
        await session.flush()
        found = await snapshots.load_days(
            session, account_id=account.id, metrics=["views"], first=date(2026, 1, 1), last=date(2026, 1, 1)
        )
        assert found["views"][date(2026, 1, 1)].value == 3
