"""`account.updated` reaches the owner's event stream when an account's health changes, and no one else's."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from clipper.accounts.models import Account
from tests.events.test_isolation_events import Stream, events_until, open_stream
from tests.fixtures.inbox import Connected, connect
from tests.fixtures.oauth_flow import API as OAUTH
from tests.fixtures.oauth_flow import connect_instagram, sandbox_admin

ACCOUNTS = "/api/v1/accounts"


async def kill_page_token(client: httpx.AsyncClient, app: FastAPI, account_id: int) -> None:
    """Make Meta refuse the account's Page token (the password changed)."""
    async with app.state.resources.session_factory() as session:
        account = await session.get(Account, account_id)
        assert account is not None
        assert account.page_access_token_enc
        token = app.state.resources.cipher.decrypt(account.page_access_token_enc)
    await sandbox_admin(client, "tokens/invalidate", {"token": token, "subcode": 460})


async def check(client: httpx.AsyncClient, owner: Connected) -> dict[str, Any]:
    response = await client.post(f"{ACCOUNTS}/{owner.account['id']}/check", headers=owner.user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def account_update(stream: Stream) -> dict[str, Any]:
    """The data of the stream's next `account.updated` event."""
    return (await events_until(stream, "account.updated"))[-1][1]


class TestAccountUpdated:
    async def test_a_refused_token_found_by_a_check_is_announced_to_the_owner_only(self, client, app, signup):
        alice = await connect(client, signup)
        bob = await connect(client, signup, username="sandbox.studio")

        async with open_stream(app, alice.user.headers) as alices, open_stream(app, bob.user.headers) as bobs:
            await kill_page_token(client, app, alice.account["id"])
            checked = await check(client, alice)
            alice_event = await account_update(alices)
            # Bob's own check comes after Alice's: his stream's first account event must be his.
            await check(client, bob)
            bob_events = await events_until(bobs, "account.updated")

        assert checked["is_active"] is False
        assert alice_event == {
            "id": alice.account["id"],
            "is_active": False,
            "health_status": "reconnect_required",
            "health_reason": checked["health_reason"],
        }
        assert "password changed" in alice_event["health_reason"]
        assert [(kind, data["id"]) for kind, data in bob_events if kind == "account.updated"] == [
            ("account.updated", bob.account["id"])
        ]

    async def test_disconnect_and_reconnect_are_announced(self, client, app, signup):
        alice = await connect(client, signup)

        async with open_stream(app, alice.user.headers) as stream:
            disconnected = await client.post(
                f"{OAUTH}/disconnect", json={"account_id": alice.account["id"]}, headers=alice.user.headers
            )
            after_disconnect = await account_update(stream)
            await connect_instagram(client, alice.user.headers, username=alice.account["username"])
            after_reconnect = await account_update(stream)

        assert disconnected.status_code == 200, disconnected.text
        assert after_disconnect["id"] == alice.account["id"]
        assert (after_disconnect["is_active"], after_disconnect["health_reason"]) == (
            False,
            "Disconnected by you.",
        )
        assert after_reconnect["id"] == alice.account["id"]
        assert (after_reconnect["is_active"], after_reconnect["health_reason"]) == (True, None)

    async def test_the_periodic_health_check_announces_only_the_accounts_that_changed(
        self, client, app, signup
    ):
        alice = await connect(client, signup)
        bob = await connect(client, signup, username="sandbox.studio")

        async with open_stream(app, alice.user.headers) as alices, open_stream(app, bob.user.headers) as bobs:
            await kill_page_token(client, app, alice.account["id"])
            await app.state.worker.run_periodic_once("accounts.check_health")
            alice_event = await account_update(alices)
            # Bob's healthy account did not change: his own disconnect afterwards is his first event.
            await client.post(
                f"{OAUTH}/disconnect", json={"account_id": bob.account["id"]}, headers=bob.user.headers
            )
            bob_event = await account_update(bobs)

        assert (alice_event["id"], alice_event["is_active"]) == (alice.account["id"], False)
        assert (bob_event["id"], bob_event["health_reason"]) == (bob.account["id"], "Disconnected by you.")
