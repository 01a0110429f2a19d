"""`account.updated` is recorded in the unit of work that changes the account (the outbox): a change is
committed with its event, and an event that cannot be written takes the change down with it, so no
process death between the two can lose one of them. Each path that changes an account is exercised:
the health check, the gateway's mark of a refused token, and disconnecting."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.errors import ReconnectRequired
from clipper.outgoing import outbox
from clipper.outgoing.models import WebhookDelivery
from tests.fixtures.oauth_flow import API, connect_instagram, sandbox_admin
from tests.outgoing.helpers import create_endpoint


class WriteFailed(RuntimeError):
    """The outbox write failing, as a database error or a dying process would stop it."""


@pytest.fixture
async def connected(client, signup, session, local, receiver) -> tuple[Account, dict[str, str], int]:
    user = await signup(client)
    endpoint = await create_endpoint(client, user.headers, f"{receiver.origin}/in", ["account.updated"])
    found = await connect_instagram(client, user.headers)
    account = await session.get_one(Account, found["id"])
    return account, user.headers, endpoint["id"]


@pytest.fixture
def failing_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any, **__: Any) -> None:
        raise WriteFailed("outbox write failed")

    monkeypatch.setattr(outbox, "enqueue", fail)


async def events(session, endpoint_id: int) -> list[dict[str, Any]]:
    """The events recorded for the endpoint (their bodies' data), oldest first."""
    rows = await session.execute(
        select(WebhookDelivery.event_type, WebhookDelivery.body)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id)
    )
    recorded = list(rows)
    assert {event_type for event_type, _ in recorded} <= {"account.updated"}
    return [json.loads(body)["data"] for _, body in recorded]


async def kill_token(client, app, account: Account) -> None:
    token = app.state.resources.cipher.decrypt(account.page_access_token_enc)
    await sandbox_admin(client, "tokens/invalidate", {"token": token, "subcode": 460})


def gateway(app) -> AccountGraph:
    return AccountGraph.of(app.state.resources)


class TestHealthCheck:
    async def test_a_dead_token_is_marked_with_its_event(self, client, app, session, connected):
        account, _, endpoint_id = connected
        await kill_token(client, app, account)
        await accounts.check_account_health(gateway(app), account_id=account.id)
        await session.refresh(account)
        assert account.is_active is False
        recorded = await events(session, endpoint_id)
        assert [event["is_active"] for event in recorded] == [True, False]  # connected, then marked
        assert recorded[-1]["health_reason"] == account.health_reason

    async def test_no_event_no_mark(self, client, app, session, connected, failing_outbox):
        account, _, endpoint_id = connected
        await kill_token(client, app, account)
        with pytest.raises(WriteFailed):
            await accounts.check_account_health(gateway(app), account_id=account.id)
        await session.refresh(account)
        assert account.is_active is True  # rolled back with the event: the next check marks it again
        assert len(await events(session, endpoint_id)) == 1

    async def test_a_check_that_changes_nothing_records_nothing(self, app, session, connected):
        account, _, endpoint_id = connected
        await accounts.check_account_health(gateway(app), account_id=account.id)
        assert len(await events(session, endpoint_id)) == 1


class TestRefusedToken:
    async def call(self, app, account: Account) -> None:
        async with gateway(app).calling(account, "instagram_basic") as graph:
            await graph.get_object(account.platform_account_id, fields="id")

    async def test_the_gateways_mark_carries_its_event(self, client, app, session, connected):
        account, _, endpoint_id = connected
        await kill_token(client, app, account)
        with pytest.raises(ReconnectRequired):
            await self.call(app, account)
        await session.refresh(account)
        assert account.is_active is False
        assert [event["is_active"] for event in await events(session, endpoint_id)] == [True, False]

    async def test_no_event_no_mark(self, client, app, session, connected, failing_outbox):
        account, _, endpoint_id = connected
        await kill_token(client, app, account)
        with pytest.raises(ReconnectRequired):  # still told to reconnect; the next call marks it
            await self.call(app, account)
        await session.refresh(account)
        assert account.is_active is True
        assert len(await events(session, endpoint_id)) == 1


class TestDisconnect:
    async def test_disconnecting_records_the_event_with_the_change(self, client, session, connected):
        account, headers, endpoint_id = connected
        response = await client.post(f"{API}/disconnect", json={"account_id": account.id}, headers=headers)
        assert response.status_code == 200, response.text
        recorded = await events(session, endpoint_id)
        assert [(event["id"], event["is_active"]) for event in recorded] == [
            (account.id, True),
            (account.id, False),
        ]
        assert recorded[-1]["health_reason"] == "Disconnected by you."

    async def test_no_event_no_disconnect(self, client, session, connected, failing_outbox):
        account, headers, endpoint_id = connected
        response = await client.post(f"{API}/disconnect", json={"account_id": account.id}, headers=headers)
        assert response.status_code == 500
        await session.refresh(account)
        assert account.is_active is True
        assert account.page_access_token_enc is not None
        assert len(await events(session, endpoint_id)) == 1
