"""Fixtures for the inbox and webhook tests: a user with a connected account, webhooks wired into the app."""

from __future__ import annotations

import pytest
from webhook_helpers import Connected, connect

from oauth_flow import sandbox_admin

WEBHOOK_URL = "http://testserver/api/v1/webhooks/instagram"


@pytest.fixture
async def owner(client, signup) -> Connected:
    """A signed-up user who connected sandbox.creator through the real OAuth flow."""
    return await connect(client, signup)


@pytest.fixture
async def webhooks_on(client):
    """Point the sandbox's webhook deliveries at our callback (in process)."""
    response = await client.patch("/sandbox/_admin/config", json={"webhook_callback_url": WEBHOOK_URL})
    assert response.status_code == 200
    yield
    await client.patch("/sandbox/_admin/config", json={"webhook_callback_url": None})


@pytest.fixture
def admin(client):
    """`await admin(path, body)`: POST to the sandbox control API."""

    async def call(path, body=None):
        return await sandbox_admin(client, path, body)

    return call
