"""Run the Alembic migrations from code (CLI, tests), wherever the current directory is."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.engine import Connection

import clipper
from clipper.db import create_engine

# src/clipper/__init__.py → the project root, where alembic.ini and migrations/ live.
PROJECT_ROOT = Path(clipper.__file__).resolve().parents[2]


def find_alembic_ini() -> Path:
    """alembic.ini of the installed project, else of the current directory."""
    for candidate in (PROJECT_ROOT / "alembic.ini", Path.cwd() / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("alembic.ini not found next to the project or in the current directory")


def alembic_config(database_url: str | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic config for `database_url` (or an open connection) that leaves logging alone."""
    config = Config(str(find_alembic_ini()))
    config.attributes["configure_logging"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Apply the migrations up to `revision` (call outside a running event loop)."""
    command.upgrade(alembic_config(database_url), revision)


def upgrade_connection(connection: Connection, revision: str = "heads") -> None:
    """Apply the migrations on an open connection (from `AsyncConnection.run_sync`)."""
    command.upgrade(alembic_config(connection=connection), revision)


def head_revisions() -> tuple[str, ...]:
    """The revisions the migration scripts lead to, sorted (alembic's order of branches is arbitrary)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def current_revisions(database_url: str) -> tuple[str, ...]:
    """The revisions the database is at, sorted (empty when it was never migrated)."""
    return asyncio.run(_current_revisions(database_url))


async def _current_revisions(database_url: str) -> tuple[str, ...]:
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            heads = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_heads()
            )
    finally:
        await engine.dispose()
    return tuple(sorted(heads))
