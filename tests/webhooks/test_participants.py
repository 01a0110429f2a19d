"""DM participants named only by IGSID in `messages` webhooks get their username, read once, batched."""

from __future__ import annotations

from tests.fixtures.inbox import API, drain


async def thread_of(client, owner, sender_id: str) -> dict:
    conversations = await client.get(f"{API}/conversations", headers=owner.headers)
    return next(c for c in conversations.json()["items"] if c["participants"][0]["id"] == sender_id)


class TestParticipantUsernames:
    async def test_a_dm_by_webhook_shows_its_senders_username(
        self, client, app, owner, webhooks_on, admin, calls
    ):
        body = {"ig_user_id": owner.ig_id, "text": "Hi!", "from_username": "curious.customer"}
        simulated = await admin("simulate/message", body)
        await drain(app)
        thread = await thread_of(client, owner, simulated["sender_id"])
        assert thread["participants"][0]["username"] == "curious.customer"
        assert calls == ["POST /"]

    async def test_the_username_is_read_once_not_per_message_or_page_view(
        self, client, app, owner, webhooks_on, admin, calls
    ):
        body = {"ig_user_id": owner.ig_id, "text": "Hi!", "from_username": "repeat.customer"}
        simulated = await admin("simulate/message", body)
        await drain(app)
        await admin("simulate/message", {**body, "text": "Still there?"})
        await drain(app)
        for _ in range(2):
            thread = await thread_of(client, owner, simulated["sender_id"])
        assert thread["participants"][0]["username"] == "repeat.customer"
        assert calls == ["POST /"]

    async def test_several_new_senders_in_one_delivery_share_one_batch_call(
        self, client, app, owner, webhooks_on, admin, calls
    ):
        await client.patch("/sandbox/_admin/webhooks/settings", json={"hold": True})
        senders = []
        for name in ("first.one", "second.one", "third.one"):
            body = {"ig_user_id": owner.ig_id, "text": "hello", "from_username": name}
            senders.append(((await admin("simulate/message", body))["sender_id"], name))
        await client.patch("/sandbox/_admin/webhooks/settings", json={"hold": False})
        await admin("webhooks/flush")
        await drain(app)
        for sender_id, name in senders:
            assert (await thread_of(client, owner, sender_id))["participants"][0]["username"] == name
        assert calls == ["POST /"]
