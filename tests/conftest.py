"""Shared fixtures: settings, the database on every backend (migrated once, rolled back per test), the app.

Backends: SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (a throwaway database per session).
Tests that use `session`, `session_factory` or `client` run once per backend; the others run once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
import structlog
from cryptography.fernet import Fernet
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import pool
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from auth_helpers import BrowserSession, SignedUp, browser_login, signup
from clipper import migrate
from clipper.config import Environment, Settings
from clipper.db import create_engine
from clipper.kv import KeyValueStore, MemoryStore, RedisStore
from clipper.security import passwords
from graph_observer import observe_graph_calls
from kv_stores import KV_STORES, Advance, FakeClock
from throwaway_postgres import run_on_server

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TEST_BASE_URL = "http://testserver"
TEST_FERNET_KEY = Fernet.generate_key().decode("ascii")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Sandbox-mode settings isolated from the environment and `.env`, with a temporary data folder."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'data' / 'app.db'}",
        backend_url=TEST_BASE_URL,
        frontend_url=TEST_BASE_URL,
        fernet_key=[TEST_FERNET_KEY],
        # Periodic jobs would share the test's single connection with the test body: tests start them.
        worker_embedded=False,
        # Tests that want the sandbox's webhooks switch them on through its admin API.
        sandbox_deliver_webhooks=False,
        # A publish with no answer is re-sent at once when its container is still FINISHED (the sandbox
        # never executes a call late); the unconfirmed-publish tests set the real window themselves.
        publish_unconfirmed_grace_seconds=0.0,
    )


@contextmanager
def _throwaway_postgres(server_url: str) -> Iterator[str]:
    """A uniquely named database on `server_url`'s server for the whole session, dropped afterwards."""
    name = f"clipper_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(run_on_server(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run_on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database at the newest migration, one per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        migrate.upgrade(url)
        yield url
        return
    with _throwaway_postgres(os.environ["TEST_DATABASE_URL"]) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def db_connection(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back when the test ends."""
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            try:
                yield connection
            finally:
                if transaction.is_active:
                    await transaction.rollback()
    finally:
        await engine.dispose()


@pytest.fixture
def session_factory(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions on the test's connection: their commits only release a savepoint."""
    return async_sessionmaker(
        bind=db_connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for the test body (builders, assertions), rolled back with the test."""
    async with session_factory() as db_session:
        yield db_session


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The application in sandbox mode, lifespan not started.

    Its shared Graph client talks to the app itself in-process, so Graph calls to
    `http://testserver/sandbox/graph/...` reach the mounted sandbox without a socket.
    """
    # Imported here so a half-written router elsewhere breaks only the tests that need the app.
    from clipper.main import create_app

    application = create_app(settings)
    application.state.graph_transport = httpx.ASGITransport(app=application)
    return application


@pytest.fixture
async def app_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app with its lifespan running; its database is an empty scratch file."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=TEST_BASE_URL) as http:
            yield http


@pytest.fixture
def client(
    app: FastAPI, app_client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> httpx.AsyncClient:
    """`app_client` whose requests use the test's migrated database and transaction (every backend)."""
    app.state.session_factory = session_factory
    return app_client


@pytest.fixture
def calls(app: FastAPI, app_client: httpx.AsyncClient) -> list[str]:
    """Every Graph call the app makes from now on (`"GET /{id}/media"`, `"POST /"` …)."""
    del app_client  # the lifespan must have built app.state.graph
    seen: list[str] = []
    observe_graph_calls(app, lambda what, _status, _code, _seconds: seen.append(what))
    return seen


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests that run the app hash passwords with light argon2 parameters (the real ones take ~0.1 s)."""
    if "app" not in request.fixturenames:
        yield
        return
    light = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", PasswordHash((light,)))
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


SignUp = Callable[..., Awaitable[SignedUp]]
BrowserLogin = Callable[..., Awaitable[BrowserSession]]


@pytest.fixture(name="signup")
def signup_fixture() -> SignUp:
    """`await signup(client, email=None)` → SignedUp with `.user_id`, `.email`, `.token`, `.headers`.

    Registers through the API and signs in; no cookies stay in the client's jar, so requests without
    `headers=signed_up.headers` remain anonymous.
    """
    return signup


@pytest.fixture(name="browser_login")
def browser_login_fixture() -> BrowserLogin:
    """`await browser_login(client, email, password)` → BrowserSession; `.headers`: Cookie + X-CSRF-Token."""
    return browser_login


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """For CLI commands that configure logging (onto the runner's stderr): put the previous setup back."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    yield
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    structlog.reset_defaults()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=KV_STORES)
async def kv_store(request: pytest.FixtureRequest, fake_clock: FakeClock) -> AsyncIterator[KeyValueStore]:
    """Each key-value store, empty: MemoryStore on `fake_clock`, and RedisStore when TEST_REDIS_URL is set."""
    if request.param == "memory":
        yield MemoryStore(clock=fake_clock)
        return
    client = aioredis.Redis.from_url(os.environ["TEST_REDIS_URL"], decode_responses=True)
    prefix = f"test:kv:{uuid.uuid4().hex}:"
    try:
        yield RedisStore(client, prefix=prefix)
    finally:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture
def advance(kv_store: KeyValueStore, fake_clock: FakeClock) -> Advance:
    """Let time pass for the store: the fake clock jumps, or (Redis) we really wait."""
    return fake_clock.advance if isinstance(kv_store, MemoryStore) else asyncio.sleep
