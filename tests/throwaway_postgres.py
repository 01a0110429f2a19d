"""Throwaway PostgreSQL databases for tests whose commits must be real, on TEST_DATABASE_URL's server."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import pool, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def run_on_server(server_url: str, statement: str) -> None:
    """Run CREATE/DROP DATABASE through the `postgres` maintenance database, which every cluster has.

    The database `server_url` names need not exist.
    """
    maintenance = make_url(server_url).set(database="postgres")
    engine = create_async_engine(maintenance, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def throwaway_database(server_url: str, prefix: str = "clipper_test") -> AsyncIterator[str]:
    """A new, empty database on `server_url`'s server; its URL, then it is dropped."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    await run_on_server(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await run_on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
