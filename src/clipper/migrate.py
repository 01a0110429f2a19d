"""Run the Alembic migrations from code (CLI, tests), wherever the current directory is.

The scripts come from the installed package (`clipper/_migrations`, put there by setup.py) or, in a
source checkout, from `migrations/` beside `src/`. No `alembic.ini` is needed: the config is built here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

import clipper
from clipper.db import create_engine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used: a worker or API process that only checks the revision at start
# would otherwise keep its ~9 MB loaded for nothing.

_PACKAGE_DIR = Path(clipper.__file__).resolve().parent
# src/clipper/__init__.py → the project root of a source checkout.
PROJECT_ROOT = _PACKAGE_DIR.parents[1]


def script_location() -> Path:
    """The migration scripts: bundled in the installed package, else the checkout's `migrations/`."""
    for candidate in (_PACKAGE_DIR / "_migrations", PROJECT_ROOT / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the migration scripts are missing: reinstall content-clipper")


def alembic_config(database_url: str | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic config for `database_url` (or an open connection) that leaves logging alone."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("path_separator", "os")
    config.attributes["configure_logging"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Apply the migrations up to `revision` (call outside a running event loop)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def upgrade_connection(connection: Connection, revision: str = "heads") -> None:
    """Apply the migrations on an open connection (from `AsyncConnection.run_sync`)."""
    from alembic import command

    command.upgrade(alembic_config(connection=connection), revision)


def head_revisions() -> tuple[str, ...]:
    """The revisions the migration scripts lead to, sorted (alembic's order of branches is arbitrary)."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def pending_message(database_url: str) -> str | None:
    """One line saying what to run when the database is not at the newest migration, else None."""
    behind = behind_heads(current_revisions(database_url))
    if behind is None:
        return None
    return f"the database is {behind}: run `clipper db upgrade` (after a backup: `clipper backup`)"


def behind_heads(current: tuple[str, ...]) -> str | None:
    """ "at <current>, this version needs <heads>" when `current` is not the newest, else None."""
    heads = head_revisions()
    if set(current) == set(heads):
        return None
    return f"at {describe(current)}, this version needs {', '.join(heads)}"


def describe(revisions: tuple[str, ...]) -> str:
    """Revisions for people: "no revision" when there are none."""
    return ", ".join(revisions) if revisions else "no revision"


def current_revisions(database_url: str) -> tuple[str, ...]:
    """The revisions the database is at, sorted (empty when it was never migrated)."""
    return asyncio.run(_current_revisions(database_url))


async def _current_revisions(database_url: str) -> tuple[str, ...]:
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await revisions_at(connection)
    finally:
        await engine.dispose()


async def revisions_at(connection: AsyncConnection) -> tuple[str, ...]:
    """The revisions the connected database is at, sorted (empty when it was never migrated)."""
    from alembic.migration import MigrationContext

    heads = await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads())
    return tuple(sorted(heads))
