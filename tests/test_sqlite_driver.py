"""SQLite statements through `clipper.sqlite_driver`: one trip to aiosqlite's thread each, and the same
rows, counts, inserted ids and errors as SQLAlchemy's own adapter gives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from clipper.db import create_engine

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("body", String, unique=True))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", pool_size=1, max_overflow=0)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions sent to aiosqlite's thread, in order."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", type(fn).__name__))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return sent


class TestOneTrip:
    async def test_a_query_is_one_trip_with_its_rows(self, engine: AsyncEngine, trips: list[str]) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(notes), [{"body": "a"}, {"body": "b"}, {"body": "c"}])
            trips.clear()
            rows = (await connection.execute(select(notes.c.body).order_by(notes.c.id.desc()))).all()

        assert [row.body for row in rows] == ["c", "b", "a"]
        assert trips == ["run", "commit"]  # the query, then the commit

    async def test_rowcount_and_inserted_ids_are_those_of_the_statement(self, engine: AsyncEngine) -> None:
        async with engine.begin() as connection:
            first = await connection.execute(insert(notes).values(body="a"))
            second = await connection.execute(insert(notes).values(body="b"))
            changed = await connection.execute(update(notes).values(body=notes.c.body + "!"))
            none = await connection.execute(update(notes).where(notes.c.id == 99).values(body="x"))

            assert [first.inserted_primary_key, second.inserted_primary_key] == [(1,), (2,)]
            assert (changed.rowcount, none.rowcount) == (2, 0)

    async def test_driver_errors_are_sqlalchemy_errors(self, engine: AsyncEngine) -> None:
        async with engine.connect() as connection:
            await connection.execute(insert(notes).values(body="a"))
            with pytest.raises(IntegrityError):
                await connection.execute(insert(notes).values(body="a"))
            with pytest.raises(OperationalError, match="no such table"):
                await connection.execute(text("SELECT * FROM missing"))
            # The connection is still usable after the errors.
            assert (await connection.execute(select(notes.c.body))).scalars().all() == ["a"]

    async def test_a_streamed_result_still_arrives_in_parts(self, engine: AsyncEngine) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(notes), [{"body": str(n)} for n in range(25)])
            result = await connection.stream(select(notes.c.id).order_by(notes.c.id))
            parts = [[row.id for row in part] async for part in result.partitions(10)]

        assert [len(part) for part in parts] == [10, 10, 5]
