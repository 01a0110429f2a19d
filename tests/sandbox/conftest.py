"""Fixtures for every sandbox test (reused by tests/sandbox/publishing and tests/sandbox/engagement).

- `sandbox_config`: SandboxConfig served at `http://sandbox.test` (override it in a nearer conftest).
- `sandbox_app`: the FastAPI app; its own outgoing client is routed back into the same app, so it
  can fetch its CDN (and any other in-app URL) without a socket.
- `sandbox`: the running `Sandbox` (`app.state.sandbox`).
- `sandbox_client`: an `httpx.AsyncClient` on `ASGITransport(app)`, base_url `http://sandbox.test`.
- `tokens`: a `SeedTokens` with a long-lived user token carrying the 11 product permissions, minted
  through `POST /_admin/tokens/issue`, and the Page tokens `/me/accounts` hands out for it.
Shared helpers (`SeedTokens`, `issue_token`, `VERSION`, `BASE_URL`) live in `sandbox_helpers.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sandbox_helpers import BASE_URL, VERSION, SeedTokens, issue_token

from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from graph_sandbox.state import Sandbox


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Default config, served at http://sandbox.test."""
    return SandboxConfig(public_url=BASE_URL)


@pytest.fixture
async def sandbox_app(sandbox_config: SandboxConfig) -> AsyncIterator[FastAPI]:
    """The app, with its outgoing HTTP routed back into itself."""
    app = create_sandbox_app(sandbox_config)
    loopback = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
    app.state.sandbox.http_client = loopback
    yield app
    await loopback.aclose()


@pytest.fixture
def sandbox(sandbox_app: FastAPI) -> Sandbox:
    """The running state of `sandbox_app`."""
    state: Sandbox = sandbox_app.state.sandbox
    return state


@pytest.fixture
async def sandbox_client(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client for the sandbox."""
    transport = httpx.ASGITransport(app=sandbox_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def tokens(sandbox_client: httpx.AsyncClient, sandbox: Sandbox) -> SeedTokens:
    """A user token with every product permission, and the Page tokens of its Pages."""
    user = await issue_token(sandbox_client, kind="USER_LONG", scopes=list(PRODUCT_PERMISSIONS))
    response = await sandbox_client.get(
        f"/graph/{VERSION}/me/accounts",
        params={"access_token": user, "fields": "id,access_token,instagram_business_account"},
    )
    response.raise_for_status()
    seed = SeedTokens(user_id=sandbox.world.default_fb_user_id, user=user)
    for page in response.json()["data"]:
        seed.pages[page["id"]] = page["access_token"]
        if "instagram_business_account" in page:
            seed.ig_users[page["instagram_business_account"]["id"]] = page["access_token"]
        else:
            seed.unlinked_page_id = page["id"]
    return seed
