"""Answering a DM while the sandbox delivers webhooks in process: the Send API's echo reaches our
webhook callback while the reply's own request is still writing; both succeed and the echo is one event."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.inbox.models import InboxMessage
from clipper.webhooks.models import WebhookEvent
from graph_sandbox import webhooks as sandbox_webhooks
from tests.fixtures.inbox import API, connect, drain
from tests.fixtures.instagram_login import connect_with_instagram
from tests.fixtures.postgres import throwaway_database
from tests.social.live_app import live_publisher


async def _reply(client, headers: dict[str, str], account_id: int) -> dict[str, object]:
    synced = await client.post(f"{API}/accounts/{account_id}/inbox/sync", headers=headers)
    assert synced.status_code == 200, synced.text
    conversations = (await client.get(f"{API}/conversations", headers=headers)).json()["items"]
    recent = max(conversations, key=lambda c: c["last_message_at"])
    sent = await client.post(
        f"{API}/conversations/{recent['id']}/messages", json={"text": "Thanks for writing"}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    reply: dict[str, object] = sent.json()
    return reply


async def _echo_stored_once(app, session, message_id: str) -> None:
    await sandbox_webhooks.drain()
    await drain(app)
    echoes = (await session.scalars(select(WebhookEvent).where(WebhookEvent.field == "messages"))).all()
    mids = [event.payload.get("message", {}).get("mid") for event in echoes]
    assert mids.count(message_id) == 1, mids
    stored = await session.scalar(
        select(func.count()).select_from(InboxMessage).where(InboxMessage.platform_message_id == message_id)
    )
    assert stored == 1


class TestReplyWithWebhooksDelivered:
    async def test_facebook_login_account(self, client, app, signup, session, webhooks_on):
        owner = await connect(client, signup)
        reply = await _reply(client, owner.headers, owner.account["id"])
        await _echo_stored_once(app, session, str(reply["platform_message_id"]))

    async def test_instagram_login_account(self, client, app, signup, session, webhooks_on):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        reply = await _reply(client, user.headers, account["id"])
        await _echo_stored_once(app, session, str(reply["platform_message_id"]))


LIVE_BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=LIVE_BACKENDS)
async def real_commits(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Settings]:
    """Settings on a database of its own whose commits are real: the test's SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        yield settings
        return
    async with throwaway_database(os.environ["TEST_DATABASE_URL"], "clipper_echo") as url:
        yield settings.model_copy(update={"database_url": url})


class TestReplyOnASeparatelyConnectedApp:
    """Each request on its own connection, as in production: the echo's unit of work waits for the reply's."""

    async def test_facebook_login_account(self, real_commits: Settings) -> None:
        async with live_publisher(real_commits, sandbox_deliver_webhooks=True) as publisher:
            reply = await _reply(publisher.client, publisher.headers, publisher.account["id"])
            async with unit_of_work(
                publisher.app.state.resources.session_factory, immediate=False
            ) as session:
                await _echo_stored_once(publisher.app, session, str(reply["platform_message_id"]))

    async def test_instagram_login_account(self, real_commits: Settings) -> None:
        async with live_publisher(real_commits, sandbox_deliver_webhooks=True) as publisher:
            account = await connect_with_instagram(publisher.client, publisher.headers)
            reply = await _reply(publisher.client, publisher.headers, account["id"])
            async with unit_of_work(
                publisher.app.state.resources.session_factory, immediate=False
            ) as session:
                await _echo_stored_once(publisher.app, session, str(reply["platform_message_id"]))
