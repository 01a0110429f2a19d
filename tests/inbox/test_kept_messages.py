"""Messages we stored stay readable after Instagram stops listing them."""

from __future__ import annotations

from tests.fixtures.inbox import API, drain


class TestMessagesAreKept:
    async def test_text_survives_when_instagram_stops_showing_it(
        self, client, app, owner, webhooks_on, admin
    ):
        first = await admin("simulate/message", {"ig_user_id": owner.ig_id, "text": "The very first message"})
        await drain(app)
        await client.patch("/sandbox/_admin/config", json={"webhook_callback_url": None})
        for number in range(21):
            await admin("simulate/message", {"ig_user_id": owner.ig_id, "text": f"more {number}"})
        synced = await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        assert synced.json()["errors"] == []
        conversations = (await client.get(f"{API}/conversations", headers=owner.headers)).json()["items"]
        thread = next(c for c in conversations if c["participants"][0]["id"] == first["sender_id"])
        messages = await client.get(
            f"{API}/conversations/{thread['id']}/messages", params={"limit": 100}, headers=owner.headers
        )
        texts = [m["text"] for m in messages.json()["items"]]
        assert "The very first message" in texts
        assert "more 20" in texts
        assert len(texts) == len(set(texts))
