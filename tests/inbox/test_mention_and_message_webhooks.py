"""Mention and message webhooks: stored as mentions, announced on the event hub."""

from __future__ import annotations

from tests.fixtures.inbox import API, drain


class TestOtherWebhookFields:
    async def test_a_mention_in_a_comment_is_stored_as_a_mention(
        self, client, app, owner, webhooks_on, admin
    ):
        async with app.state.resources.events.subscribe(owner.user.user_id) as subscription:
            mention = await admin(
                "simulate/mention", {"ig_user_id": owner.ig_id, "text": "@sandbox.creator wow"}
            )
            await drain(app)
            event = await subscription.get()
        assert (event.type, event.data["text"]) == ("mention.created", "@sandbox.creator wow")
        found = (await client.get(f"{API}/mentions", headers=owner.headers)).json()["items"]
        assert [(m["comment_id"], m["text"]) for m in found] == [
            (mention["comment_id"], "@sandbox.creator wow")
        ]
        # Someone else's media: not in the comment inbox, where hide/delete/reply cannot work.
        inbox = await client.get(
            f"{API}/comments", params={"media_id": mention["media_id"]}, headers=owner.headers
        )
        assert inbox.json()["items"] == []

    async def test_a_new_message_event_reaches_the_hub(self, client, app, owner, webhooks_on, admin):
        async with app.state.resources.events.subscribe(owner.user.user_id) as subscription:
            await admin("simulate/message", {"ig_user_id": owner.ig_id, "text": "ping"})
            await drain(app)
            event = await subscription.get()
        assert (event.type, event.data["text"]) == ("message.created", "ping")
