"""SQLite connections as `clipper.db` configures them: WAL, NORMAL commits, FULL ones on request, and a
connection handed back inside a transaction rolled back by the pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from clipper.db import create_engine, create_session_factory, unit_of_work

FULL, NORMAL = 2, 1  # what `PRAGMA synchronous` reads


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    # One pooled connection: every unit of work below reuses it.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", pool_size=1, max_overflow=0)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


async def _synchronous(engine: AsyncEngine, *, durable: bool) -> int:
    async with unit_of_work(create_session_factory(engine), durable=durable) as session:
        await session.execute(text("INSERT INTO notes (body) VALUES ('x')"))
        return int((await session.execute(text("PRAGMA synchronous"))).scalar_one())


class TestDurability:
    async def test_commits_are_normal_unless_a_durable_one_is_asked_for(self, engine: AsyncEngine) -> None:
        levels = [await _synchronous(engine, durable=durable) for durable in (False, True, False, True, True)]
        assert levels == [NORMAL, FULL, NORMAL, FULL, FULL]

    async def test_the_journal_is_a_write_ahead_log(self, engine: AsyncEngine) -> None:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"


class TestHandedBack:
    async def test_a_connection_handed_back_inside_a_transaction_is_rolled_back(
        self, engine: AsyncEngine
    ) -> None:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            # A transaction SQLAlchemy does not know of: only the pool's reset can end it.
            await raw.driver_connection.executescript(
                "BEGIN IMMEDIATE; INSERT INTO notes (body) VALUES ('lost')"
            )
            assert raw.driver_connection.in_transaction
        async with unit_of_work(create_session_factory(engine)) as session:
            await session.execute(text("INSERT INTO notes (body) VALUES ('kept')"))
        async with engine.connect() as connection:
            bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
        assert bodies == ["kept"]
