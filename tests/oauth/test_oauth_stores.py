"""The flow with the app's state store on each backend: the embedded store, and Redis when configured."""

from __future__ import annotations

from clipper.kv import KeyValueStore
from tests.fixtures.oauth_flow import (
    API,
    connect_instagram,
    follow_to_callback,
    oauth_result,
    open_dialog,
    start_authorization,
    submit_dialog,
)


class TestOnEachStore:
    async def test_connects_and_refuses_a_replayed_state(self, client, signup, app, kv_store: KeyValueStore):
        app.state.resources.kv = kv_store
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, username="sandbox.studio")
        assert connected["is_active"] is True
        form = await open_dialog(client, await start_authorization(client, user.headers))
        redirect = await submit_dialog(client, form)
        assert oauth_result(await follow_to_callback(client, redirect, user.headers))["status"] == "success"
        replay = await follow_to_callback(client, redirect, user.headers)
        assert replay.status_code == 400

    async def test_the_last_authorization_is_kept_encrypted(
        self, client, signup, app, kv_store: KeyValueStore
    ):
        app.state.resources.kv = kv_store
        user = await signup(client)
        await connect_instagram(client, user.headers)
        stored = await kv_store.get(f"oauth:authorization:{user.user_id}")
        assert stored is not None
        assert "page_access_token" not in stored
        assert "sandbox.creator" not in stored
        available = await client.get(f"{API}/available-accounts", headers=user.headers)
        assert len(available.json()["items"]) == 2
