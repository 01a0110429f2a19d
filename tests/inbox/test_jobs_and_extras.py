"""Periodic backfill spread over accounts, kept messages, attachments, mentions, story insights, cookies."""

from __future__ import annotations

from sqlalchemy import select

from clipper.inbox.models import InboxSyncState
from clipper.users.models import User
from tests.fixtures.factories import create_clip
from tests.fixtures.inbox import API, busiest_media, connect, drain


async def synced_accounts(app) -> set[int]:
    async with app.state.session_factory() as session:
        rows = await session.scalars(
            select(InboxSyncState).where(InboxSyncState.comments_synced_at.is_not(None))
        )
        return {row.account_id for row in rows}


class TestPeriodicSync:
    async def test_a_tick_queues_a_few_due_accounts_and_the_next_tick_the_rest(
        self, client, app, signup, settings
    ):
        settings.inbox_sync_accounts_per_tick = 1
        first = await connect(client, signup)
        second = await connect(client, signup, username="sandbox.studio")
        await app.state.worker.run_periodic_once("inbox.sync")
        await drain(app)
        assert await synced_accounts(app) == {first.account["id"]}
        await app.state.worker.run_periodic_once("inbox.sync")
        await drain(app)
        assert await synced_accounts(app) == {first.account["id"], second.account["id"]}
        await app.state.worker.run_periodic_once("inbox.sync")
        await drain(app)
        inbox = await client.get(f"{API}/comments", headers=second.headers)
        assert inbox.json()["items"]


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


class TestAttachment:
    async def test_sends_a_clip_by_its_signed_url(self, client, app, owner, session):
        await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        user = await session.get_one(User, owner.user.user_id)
        clip = await create_clip(session, user=user)
        thread = max(
            (await client.get(f"{API}/conversations", headers=owner.headers)).json()["items"],
            key=lambda c: c["last_message_at"],
        )
        sent = await client.post(
            f"{API}/conversations/{thread['id']}/messages", json={"clip_id": clip.id}, headers=owner.headers
        )
        assert sent.status_code == 201, sent.text
        url = sent.json()["attachments"][0]["payload"]["url"]
        assert url.startswith("http://testserver/")
        assert "signature=" in url
        world = app.state.sandbox_app.state.sandbox.world
        assert world.messages[sent.json()["platform_message_id"]].attachments[0]["payload"]["url"] == url

    async def test_another_users_clip_is_404(self, client, owner, signup, session):
        await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        stranger = await signup(client)
        clip = await create_clip(session, user=await session.get_one(User, stranger.user_id))
        thread = (await client.get(f"{API}/conversations", headers=owner.headers)).json()["items"][0]
        sent = await client.post(
            f"{API}/conversations/{thread['id']}/messages", json={"clip_id": clip.id}, headers=owner.headers
        )
        assert sent.status_code == 404


class TestOtherWebhookFields:
    async def test_a_mention_in_a_comment_is_stored_as_a_mention(
        self, client, app, owner, webhooks_on, admin
    ):
        async with app.state.events.subscribe(owner.user.user_id) as subscription:
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
        async with app.state.events.subscribe(owner.user.user_id) as subscription:
            await admin("simulate/message", {"ig_user_id": owner.ig_id, "text": "ping"})
            await drain(app)
            event = await subscription.get()
        assert (event.type, event.data["text"]) == ("message.created", "ping")


class TestCookieSession:
    async def test_the_inbox_accepts_the_session_cookie_and_csrf(self, client, owner, browser_login):
        browser = await browser_login(client, owner.user.email, owner.user.password)
        assert (await client.get(f"{API}/comments", headers=browser.headers)).status_code == 200
        base = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        created = await client.post(base, json={"name": "x", "patterns": ["a"]}, headers=browser.headers)
        assert created.status_code == 201
        forged = await client.post(base, json={"name": "x", "patterns": ["a"]}, headers=browser.cookie_only)
        assert forged.status_code in (401, 403)


class TestCommentsPermission:
    async def test_missing_comments_permission_is_a_409_naming_it(self, client, signup, owner, admin):
        del admin
        who = await connect(client, signup, untick=("instagram_manage_comments",))
        media_id = await busiest_media(client, who.ig_id)
        response = await client.get(
            f"{API}/media/{media_id}/comments", params={"account_id": who.account["id"]}, headers=who.headers
        )
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_comments"
