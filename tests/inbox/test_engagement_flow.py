"""The issue's story: a follower comment arrives by signed webhook, is auto-hidden, listed, answered."""

from __future__ import annotations

from sqlalchemy import func, select

from clipper.webhooks.models import WebhookEvent
from tests.fixtures.inbox import API, busiest_media, drain


class TestCommentArrivesByWebhook:
    async def test_is_auto_hidden_listed_and_answered(self, client, app, owner, webhooks_on, admin):
        rule = await client.post(
            f"{API}/accounts/{owner.account['id']}/moderation-rules",
            json={"name": "No spam", "kind": "keyword", "patterns": ["spam", "free followers"]},
            headers=owner.headers,
        )
        assert rule.status_code == 201, rule.text
        media_id = await busiest_media(client, owner.ig_id)
        simulated = await admin("simulate/comment", {"media_id": media_id, "text": "Get FREE followers now"})
        assert simulated["deliveries"][0]["status"] == "delivered"
        await drain(app)

        hidden = await client.get(f"{API}/comments", params={"status": "hidden"}, headers=owner.headers)
        assert [c["platform_comment_id"] for c in hidden.json()["items"]] == [simulated["id"]]
        world = app.state.sandbox_app.state.sandbox.world
        assert world.comments[simulated["id"]].hidden is True
        audit = await client.get(
            f"{API}/accounts/{owner.account['id']}/moderation-actions", headers=owner.headers
        )
        entry = audit.json()["items"][0]
        assert (entry["rule_name"], entry["matched"], entry["action"], entry["succeeded"]) == (
            "No spam",
            "free followers",
            "hide",
            True,
        )

        polite = await admin("simulate/comment", {"media_id": media_id, "text": "Lovely light in this one"})
        await drain(app)
        inbox = await client.get(f"{API}/comments", params={"status": "unanswered"}, headers=owner.headers)
        # A hidden comment was dealt with: it is not in the "unanswered" work list.
        assert simulated["id"] not in [c["platform_comment_id"] for c in inbox.json()["items"]]
        comment = next(c for c in inbox.json()["items"] if c["platform_comment_id"] == polite["id"])
        assert comment["author_username"] == "sandbox.follower"
        assert comment["hidden"] is False

        reply = await client.post(
            f"{API}/comments/{comment['id']}/reply", json={"message": "Thank you!"}, headers=owner.headers
        )
        assert reply.status_code == 201, reply.text
        assert reply.json()["from_account"] is True
        replies = [c for c in world.comments.values() if c.parent_id == polite["id"]]
        assert [r.text for r in replies] == ["Thank you!"]
        answered = await client.get(f"{API}/comments", params={"status": "answered"}, headers=owner.headers)
        assert [c["id"] for c in answered.json()["items"]] == [comment["id"]]

    async def test_duplicate_deliveries_store_one_event(self, client, app, owner, webhooks_on, admin):
        await client.patch("/sandbox/_admin/webhooks/settings", json={"duplicate": True})
        media_id = await busiest_media(client, owner.ig_id)
        simulated = await admin("simulate/comment", {"media_id": media_id, "text": "Twice delivered"})
        assert [d["status"] for d in simulated["deliveries"]] == ["delivered", "delivered"]
        await drain(app)
        inbox = await client.get(f"{API}/comments", params={"search": "twice"}, headers=owner.headers)
        assert len(inbox.json()["items"]) == 1
        async with app.state.resources.session_factory() as session:
            count = await session.scalar(select(func.count()).select_from(WebhookEvent))
        assert count == 1

    async def test_a_new_comment_reaches_the_events_hub(self, client, app, owner, webhooks_on, admin):
        media_id = await busiest_media(client, owner.ig_id)
        async with app.state.resources.events.subscribe(owner.user.user_id) as subscription:
            await admin("simulate/comment", {"media_id": media_id, "text": "Hello there"})
            await drain(app)
            event = await subscription.get()
        assert event.type == "comment.created"
        assert event.data["text"] == "Hello there"

    async def test_a_dm_arrives_by_webhook(self, client, app, owner, webhooks_on, admin):
        simulated = await admin(
            "simulate/message", {"ig_user_id": owner.ig_id, "text": "Do you ship abroad?"}
        )
        await drain(app)
        conversations = await client.get(f"{API}/conversations", headers=owner.headers)
        found = next(
            c for c in conversations.json()["items"] if c["participants"][0]["id"] == simulated["sender_id"]
        )
        assert found["last_message_text"] == "Do you ship abroad?"
        assert found["unread_count"] == 1
        assert found["can_reply_until"] is not None
