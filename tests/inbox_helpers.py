"""Helpers and fixtures shared by the inbox and webhook tests: a connected owner, webhooks wired in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from oauth_flow import connect_instagram, sandbox_admin
from taking_turns import TakingTurns

API = "/api/v1/instagram"


@dataclass
class Connected:
    """A signed-up user and one connected account (its JSON)."""

    user: Any
    account: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return self.user.headers

    @property
    def ig_id(self) -> str:
        return str(self.account["platform_account_id"])


async def connect(
    client, signup, *, username: str = "sandbox.creator", untick: tuple[str, ...] = ()
) -> Connected:
    """Sign up a user and connect one sandbox account."""
    user = await signup(client)
    account = await connect_instagram(client, user.headers, username=username, untick=untick)
    return Connected(user=user, account=account)


async def drain(app) -> None:
    """Wait for the in-process jobs queued so far (webhook processing)."""
    await app.state.worker.drain()


async def busiest_media(client, ig_id: str) -> str:
    """The id of the account's media with the most comments (a sandbox world read)."""
    world = client._transport.app.state.sandbox_app.state.sandbox.world
    media = world.media_of(ig_id)
    return max(media, key=lambda m: len(world.comments_of(m.id))).id


WEBHOOK_URL = "http://testserver/api/v1/webhooks/instagram"


@pytest.fixture
async def owner(client, signup) -> Connected:
    """A signed-up user who connected sandbox.creator through the real OAuth flow."""
    return await connect(client, signup)


@pytest.fixture
async def webhooks_on(client, app, session_factory):
    """Point the sandbox's webhook deliveries at our callback (in process).

    Like Meta, the sandbox then only delivers for Pages that installed the app, which connecting an
    account does (`POST /{page-id}/subscribed_apps`): every webhook test also proves that subscription.
    A delivery runs in a task of its own, as Meta's arrive on a connection of their own: it may come
    while the request that caused it (the Send API's echo) is still writing, so the app's units of
    work take turns on the test's one connection.
    """
    app.state.session_factory = TakingTurns(session_factory)
    response = await client.patch("/sandbox/_admin/config", json={"webhook_callback_url": WEBHOOK_URL})
    assert response.status_code == 200
    settings = {"require_page_subscription": True}
    assert (await client.patch("/sandbox/_admin/webhooks/settings", json=settings)).status_code == 200
    yield
    await client.patch("/sandbox/_admin/webhooks/settings", json={"require_page_subscription": False})
    await client.patch("/sandbox/_admin/config", json={"webhook_callback_url": None})


@pytest.fixture
def admin(client):
    """`await admin(path, body)`: POST to the sandbox control API."""

    async def call(path, body=None):
        return await sandbox_admin(client, path, body)

    return call
