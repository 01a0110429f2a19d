"""Declarative base (naming convention, UTC timestamps) and engine/session factories."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from enum import StrEnum
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pydantic_core
from sqlalchemy import JSON, DateTime, Enum, MetaData, TypeDecorator, event, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import PoolResetState

from clipper.sqlite_driver import OneTripConnection

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_IMMEDIATE = "clipper_sqlite_immediate"
SQLITE_DURABLE = "clipper_sqlite_durable"
_SYNCHRONOUS = "clipper_sqlite_synchronous"

# JSONB on PostgreSQL, plain JSON (text) elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def str_enum(enum: type[StrEnum], name: str, length: int = 32) -> Enum:
    """A string column limited to the enum's values by a named CHECK constraint (no native ENUM type)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: attach a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The one declarative base: naming convention for constraints, UTC datetimes, JSON(B)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONType}


class TimestampMixin:
    """`created_at` and `updated_at`, set by the application in UTC (server default as a fallback)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def create_engine(database_url: str, *, sqlite_foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; SQLite gets its folder, WAL and real transactions on every connection."""
    ensure_sqlite_folder(database_url)
    # A pooled SQLite connection is a local file handle that cannot go stale: no ping (a round trip to
    # the driver's thread at every checkout); a server's connection can (restart, idle timeout).
    sqlite = make_url(database_url).get_backend_name() == "sqlite"
    if sqlite:
        # The pool's reset rolls back every connection handed back, another round trip per transaction,
        # though a session has already ended its transaction: `_sqlite_reset` rolls back only one in a
        # transaction still.
        kwargs.setdefault("pool_reset_on_return", None)
    # JSON columns are read with pydantic's parser (same values for any JSON we write): on our small
    # documents it takes half the standard library's time, and a calendar page of 200 posts reads 400.
    kwargs.setdefault("json_deserializer", pydantic_core.from_json)
    engine = create_async_engine(database_url, pool_pre_ping=not sqlite, **kwargs)
    if sqlite:
        _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys)
    return engine


def ensure_sqlite_folder(database_url: str) -> None:
    """Create the folder of a SQLite database file (SQLite creates the file, not its folder)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
        if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
            dbapi_connection.__class__ = OneTripConnection  # one trip to the driver's thread per statement
        # The sqlite3 driver's own transaction handling breaks SAVEPOINT and transactional DDL:
        # switch it off and let SQLAlchemy emit BEGIN itself (the documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        # WAL: readers never block the writer nor it them. A writer waits up to 15 s for the lock.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        # Durability: in WAL mode NORMAL syncs the log at checkpoints, not at every commit. A commit
        # survives the process being killed at any point; only an OS crash or power loss can roll back
        # the last commits (never corrupting the file). A write that must survive even that, because
        # an irreversible Graph call follows it (the intent to publish), asks for FULL
        # (`unit_of_work(durable=True)`), which also syncs every commit before it.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        record.info[_SYNCHRONOUS] = "NORMAL"

    @event.listens_for(engine.sync_engine, "reset")
    def _sqlite_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()

    @event.listens_for(engine.sync_engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        # A deferred transaction that read first cannot wait for the write lock (SQLite answers
        # "database is locked" at once): writers that may race ask for it up front.
        script = "BEGIN IMMEDIATE" if options.get(SQLITE_IMMEDIATE) else "BEGIN"
        # The level cannot change inside a transaction: set it (when it differs) before BEGIN.
        level = "FULL" if options.get(SQLITE_DURABLE) else "NORMAL"
        info = connection.connection.info
        if info.get(_SYNCHRONOUS) != level:
            script = f"PRAGMA synchronous={level}; {script}"
            info[_SYNCHRONOUS] = level
        # On the driver's connection: one trip to its thread, where a statement through SQLAlchemy's
        # cursor takes three (open, execute, close); BEGIN has neither parameters nor rows.
        connection.connection.dbapi_connection.run_async(lambda driver: driver.executescript(script))


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (responses are rendered after it)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def writing_at_first_statement(factory: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """Sessions whose every transaction begins at its first statement with SQLite's write lock taken.

    For a unit of work that must not hold the database before it has something to write (a request
    still reading its body): `unit_of_work(..., immediate=True)` takes the lock when it opens.
    """
    bind = factory.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        return factory  # tests' sessions joined to an outer transaction: already past BEGIN
    return create_session_factory(bind.execution_options(**{SQLITE_IMMEDIATE: True}))


@asynccontextmanager
async def unit_of_work(
    factory: async_sessionmaker[AsyncSession], *, immediate: bool = True, durable: bool = False
) -> AsyncIterator[AsyncSession]:
    """One transaction: commit on success, roll back on error.

    On SQLite it takes the write lock first (`immediate`): a unit of work that reads and then writes
    would otherwise fail at once when another writer got in between, instead of waiting its turn.
    Pass `immediate=False` for a unit of work that only reads. `durable`: on SQLite the commit is
    synced to disk (survives a power loss; see `_configure_sqlite`), as every commit is on PostgreSQL.
    """
    async with factory() as session:
        try:
            # Only for a session that opens its own connection: one joined to an outer transaction
            # (tests' savepoints) is past BEGIN, and opening its savepoint early would only make
            # concurrent sessions on that shared connection overlap.
            bind = getattr(factory, "kw", {}).get("bind")
            if immediate and not isinstance(bind, AsyncConnection):
                options = {SQLITE_IMMEDIATE: True, SQLITE_DURABLE: durable}
                await session.connection(execution_options=options)
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def load_models() -> list[str]:
    """Import every `clipper.<domain>.models` module so the metadata knows all tables; return their names."""
    import clipper

    loaded = []
    for module in pkgutil.iter_modules(clipper.__path__):
        name = f"clipper.{module.name}.models"
        if module.ispkg and find_spec(name) is not None:
            importlib.import_module(name)
            loaded.append(name)
    return loaded
