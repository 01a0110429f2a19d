"""Alembic environment: async engines, every models module imported, batch mode on SQLite."""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

from clipper.config import Settings
from clipper.db import Base, create_engine, load_models

config = context.config

# Only the `alembic` command line configures logging from the ini file; programmatic callers
# (the CLI, the tests) keep their own logging.
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

load_models()
target_metadata = Base.metadata


def database_url() -> str:
    """The URL given by the caller, else DATABASE_URL, else the Settings default."""
    given = config.attributes.get("database_url")
    if given:
        return str(given)
    return os.environ.get("DATABASE_URL") or Settings().database_url


def configure(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
        # SQLite gets a real BEGIN from clipper.db, so a failed migration rolls back there too.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Open an engine on the configured URL and run the migrations."""
    # Foreign keys stay off on SQLite: batch mode re-creates tables, which must not cascade.
    engine = create_engine(database_url(), sqlite_foreign_keys=False, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(configure)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    """Emit the SQL instead of running it (`alembic upgrade --sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=database_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
elif (shared := config.attributes.get("connection")) is not None:
    # A caller inside an event loop hands over its (sync-facing) connection.
    configure(shared)
else:
    asyncio.run(run_async_migrations())
