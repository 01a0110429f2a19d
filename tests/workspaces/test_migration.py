"""Migration 0021 on a database with real rows at 0020: every user gets a personal workspace holding what
they own, nothing else changes, and the downgrade gives the 0020 schema back with the data intact.

Rows are written with plain SQL at 0020 (the models describe the newest schema, not that one).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, pool, text
from sqlalchemy.engine import make_url

from clipper import migrate
from clipper.db import create_engine
from tests.fixtures.postgres import run_on_server

OWNED = ("accounts", "clips", "social_posts", "webhook_endpoints", "hashtag_group", "account_queues")
ROWS_AT_0020 = [
    "INSERT INTO users (id, email, password_hash) VALUES (1, 'ada@example.com', 'x'), "
    "(2, 'bob@example.com', 'y'), (3, 'cyd@example.com', 'z')",
    "INSERT INTO accounts (id, user_id, platform, platform_account_id, account_username) VALUES "
    "(10, 1, 'instagram', '17841400000000001', 'ada_shop'), (11, 2, 'instagram', '17841400000000002', 'bob')",
    "INSERT INTO clips (id, user_id, filename, storage_key, content_type, kind) VALUES "
    "(20, 1, 'a.jpg', 'k/a.jpg', 'image/jpeg', 'image'), (21, 2, 'b.mp4', 'k/b.mp4', 'video/mp4', 'video')",
    "INSERT INTO social_posts (id, user_id, account_id, clip_id, caption) VALUES "
    "(30, 1, 10, 20, 'Hello'), (31, 2, 11, 21, 'Hi'), (32, 1, 10, NULL, 'Draft')",
    "INSERT INTO webhook_endpoints (id, user_id, url, events, secret_enc) VALUES "
    "(40, 2, 'https://hooks.example.com/x', '[\"post.published\"]', 'enc')",
    "INSERT INTO hashtag_group (id, user_id, name, hashtags) VALUES (50, 1, 'Summer', '[\"sun\", \"sea\"]')",
    "INSERT INTO account_queues (account_id, user_id, timezone) VALUES (10, 1, 'Europe/Paris')",
]


def _backends() -> list[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=_backends())
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'upgrade.db'}"
        return
    server = os.environ["TEST_DATABASE_URL"]
    name = f"clipper_migration_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}".lower()
    asyncio.run(run_on_server(server, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run_on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(url: str, *statements: str) -> list[list[tuple[Any, ...]]]:
    """Run the statements in one transaction; the rows of each."""

    async def go() -> list[list[tuple[Any, ...]]]:
        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                return [await _rows(connection, sql) for sql in statements]
        finally:
            await engine.dispose()

    return asyncio.run(go())


async def _rows(connection: Any, sql: str) -> list[tuple[Any, ...]]:
    result = await connection.execute(text(sql))
    return [tuple(row) for row in result] if result.returns_rows else []


def columns(url: str, table: str) -> set[str]:
    async def go() -> set[str]:
        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                found = await connection.run_sync(lambda sync: inspect(sync).get_columns(table))
                return {column["name"] for column in found}
        finally:
            await engine.dispose()

    return asyncio.run(go())


def tables(url: str) -> set[str]:
    async def go() -> set[str]:
        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(go())


SNAPSHOT = [
    "SELECT id, email FROM users ORDER BY id",
    "SELECT id, user_id, platform_account_id, account_username FROM accounts ORDER BY id",
    "SELECT id, user_id, storage_key, kind FROM clips ORDER BY id",
    "SELECT id, user_id, account_id, clip_id, caption, status FROM social_posts ORDER BY id",
    "SELECT id, user_id, url FROM webhook_endpoints ORDER BY id",
    "SELECT id, user_id, name FROM hashtag_group ORDER BY id",
    "SELECT account_id, user_id, timezone FROM account_queues ORDER BY account_id",
]


def test_upgrade_gives_every_user_a_personal_workspace_holding_their_rows(empty_database: str) -> None:
    url = empty_database
    migrate.upgrade(url, "0020")
    run(url, *ROWS_AT_0020)
    before = run(url, *SNAPSHOT)

    migrate.upgrade(url, "0021")

    assert run(url, *SNAPSHOT) == before
    [workspaces] = run(url, "SELECT id, name, personal_user_id FROM workspaces ORDER BY personal_user_id")
    assert [(name, user) for _id, name, user in workspaces] == [
        ("Personal", 1),
        ("Personal", 2),
        ("Personal", 3),
    ]
    personal = {user: workspace_id for workspace_id, _name, user in workspaces}
    [members] = run(url, "SELECT workspace_id, user_id, role FROM workspace_members ORDER BY user_id")
    assert members == [(personal[user], user, "owner") for user in (1, 2, 3)]
    for table in OWNED:
        key = "account_id" if table == "account_queues" else "id"
        [rows] = run(url, f"SELECT {key}, user_id, workspace_id FROM {table} ORDER BY {key}")  # noqa: S608
        assert rows, table
        assert all(workspace_id == personal[user] for _key, user, workspace_id in rows), (table, rows)
    [[(joined_at,)]] = run(url, "SELECT joined_at FROM workspace_members WHERE user_id = 1")
    assert joined_at is not None


def test_downgrade_gives_0020_back_with_the_data_intact(empty_database: str) -> None:
    url = empty_database
    migrate.upgrade(url, "0020")
    run(url, *ROWS_AT_0020)
    before = run(url, *SNAPSHOT)
    migrate.upgrade(url, "0021")

    command.downgrade(migrate.alembic_config(url), "0020")

    assert run(url, *SNAPSHOT) == before
    assert not {"workspaces", "workspace_members", "workspace_invitations"} & tables(url)
    assert all("workspace_id" not in columns(url, table) for table in OWNED)
    migrate.upgrade(url, "heads")
    [[(count,)]] = run(url, "SELECT count(*) FROM workspaces")
    assert count == 3


def test_an_empty_database_upgrades_with_no_workspace(empty_database: str) -> None:
    migrate.upgrade(empty_database, "heads")
    [[(count,)]] = run(empty_database, "SELECT count(*) FROM workspaces")
    assert count == 0
