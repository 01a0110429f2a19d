"""Fixtures for the Graph client tests.

- `make_client(handler, **options)`: a client on httpx.MockTransport; sleeps land in `sleeps`, jitter
  is the full delay (deterministic).
- The sandbox fixtures of tests/fixtures/sandbox.py (`sandbox_config`, `sandbox_app`, `sandbox`,
  `sandbox_client`, `tokens`) come with every test, so the client can be tested against the real emulator.
- `graph`: an InstagramGraphAPI with the seed user's token, talking to the sandbox in process, with
  the sandbox's app id/secret (so every call carries appsecret_proof) and recorded sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from clipper.instagram import InstagramGraphAPI
from graph_sandbox.publishing import drain
from graph_sandbox.state import Sandbox
from tests.instagram.ig_helpers import TOKEN, Handler
from tests.sandbox.sandbox_helpers import BASE_URL

SANDBOX_URL = BASE_URL


@pytest.fixture
def sleeps() -> list[float]:
    """Every delay the client slept, in order."""
    return []


async def _record(sleeps: list[float], seconds: float) -> None:
    sleeps.append(seconds)


@pytest.fixture
async def make_client(sleeps: list[float]) -> AsyncIterator[Callable[..., InstagramGraphAPI]]:
    """Build a client whose HTTP goes to `handler`; sleeps are recorded and jitter is the full delay."""
    opened: list[httpx.AsyncClient] = []

    def factory(handler: Handler, token: str | None = TOKEN, **kwargs: Any) -> InstagramGraphAPI:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        opened.append(http)
        kwargs.setdefault("sleep", lambda seconds: _record(sleeps, seconds))
        kwargs.setdefault("jitter", lambda ceiling: ceiling)
        return InstagramGraphAPI(token, http_client=http, **kwargs)

    yield factory
    for http in opened:
        await http.aclose()


@pytest.fixture
async def sandbox_http(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The httpx client the Graph client uses: in process, into the sandbox app."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox_app)) as http:
        yield http


@pytest.fixture
async def graph(
    sandbox: Sandbox, sandbox_http: httpx.AsyncClient, tokens: Any, sleeps: list[float]
) -> AsyncIterator[InstagramGraphAPI]:
    """The production client pointed at the sandbox, holding the seed user's long-lived token."""
    sandbox.config.video_processing_seconds = 0.2
    client = InstagramGraphAPI(
        tokens.user,
        base_url=f"{SANDBOX_URL}/graph",
        rupload_url=f"{SANDBOX_URL}/rupload",
        app_id=sandbox.config.app_id,
        app_secret=sandbox.config.app_secret,
        http_client=sandbox_http,
        sleep=lambda seconds: _record(sleeps, seconds),
        jitter=lambda ceiling: ceiling,
    )
    yield client
    await drain()
