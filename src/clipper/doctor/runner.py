"""Run every check in order; the Meta checks reuse what the local ones found (the engine, the cipher)."""

from __future__ import annotations

import httpx

from clipper.config import Settings
from clipper.db import load_models
from clipper.doctor import accounts, local, meta
from clipper.doctor.report import Check, failed
from clipper.security import FernetKeyError, TokenCipher


async def run_doctor(settings: Settings, *, http_client: httpx.AsyncClient | None = None) -> list[Check]:
    """Every check, in the order they print. `http_client` reaches the Graph API (tests pass a transport)."""
    # The account queries need every mapper configured, as in the app.
    load_models()
    checks = local.check_settings(settings)
    database, engine = await local.check_database(settings)
    checks += [database, await local.check_redis(settings), local.check_media(settings)]
    # Only a database at the newest migration is read: the queries name columns that migrations add.
    current = engine if database.ok else None
    try:
        if current is not None:
            checks.append(await local.check_tokens(settings, current))
        async with _client(http_client) as http:
            graph = meta.Graph(settings, http)
            checks += [
                await meta.check_app_token(graph),
                await meta.check_app_subscription(graph),
                meta.check_redirect_uri(settings),
            ]
            if current is None:
                checks.append(
                    failed("accounts", "not checked: see `database` above", "fix the database first")
                )
                return checks
            try:
                cipher = TokenCipher.from_settings(settings)
            except FernetKeyError:
                return checks
            checks += await accounts.check_accounts(graph, current, cipher)
    finally:
        if engine is not None:
            await engine.dispose()
    return checks


class _client:  # noqa: N801 - reads like a function call in `async with`
    """The given client (left open), or a new one closed afterwards."""

    def __init__(self, given: httpx.AsyncClient | None) -> None:
        self.given = given
        self.own: httpx.AsyncClient | None = None

    async def __aenter__(self) -> httpx.AsyncClient:
        if self.given is not None:
            return self.given
        self.own = httpx.AsyncClient(timeout=15.0)
        return self.own

    async def __aexit__(self, *_exc: object) -> None:
        if self.own is not None:
            await self.own.aclose()
