"""An Instagram Login account (no Facebook Page) through the REST API, end to end against the sandbox:
connect, publish every supported media type, moderate, answer a DM, read insights, receive webhooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from clipper.accounts.models import Account
from clipper.db import utcnow
from graph_sandbox.seed import add_instagram_only_account
from tests.fixtures.inbox import API, drain
from tests.fixtures.instagram_login import connect_with_instagram, instagram_login_callback
from tests.fixtures.media_factory import jpeg, mp4
from tests.fixtures.oauth_flow import oauth_result
from tests.social.publish_helpers import Publisher, until_done


async def _publisher(client, app, signup) -> Publisher:
    user = await signup(client)
    account = await connect_with_instagram(client, user.headers)
    publisher = Publisher(client=client, app=app, user=user, account=account)
    await publisher.admin("PATCH", "config", {"video_processing_seconds": 0, "image_processing_seconds": 0})
    return publisher


async def _publish(publisher: Publisher, **body: Any) -> dict[str, Any]:
    created = await publisher.create(**body)
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    return await until_done(publisher, created.json()["id"])


class TestInstagramLoginAccount:
    async def test_publishes_every_media_type_on_graph_instagram_com(self, client, app, signup):
        publisher = await _publisher(client, app, signup)
        image = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        story = await publisher.clip(jpeg(1080, 1920), "story.jpg")
        children = [
            await publisher.clip(jpeg(320, 320), "a.jpg"),
            await publisher.clip(jpeg(320, 320), "b.jpg"),
        ]
        results = [
            await _publish(publisher, media_type="IMAGE", clip_id=image, caption="Image"),
            await _publish(publisher, media_type="REELS", clip_id=video, caption="Reel"),
            await _publish(publisher, media_type="STORIES", clip_id=story),
            await _publish(publisher, media_type="CAROUSEL", clip_ids=children, caption="Album"),
        ]
        assert [post["status"] for post in results] == ["published"] * 4, results
        published = await publisher.published()
        assert len(published) == 4
        # Its token is refused on graph.facebook.com and rupload (190): all went to graph.instagram.com.

    async def test_moderates_reads_insights_and_receives_webhooks(
        self, client, app, signup, webhooks_on, admin
    ):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        await drain(app)  # the first inbox sync the connection queued
        assert account["webhook_problem"] is None
        world = app.state.sandbox_app.state.sandbox.world
        ig = world.ig_users[account["platform_account_id"]]
        assert ig.subscribed_fields == ["comments", "messages"]
        async with app.state.resources.session_factory() as session:
            stored = await session.get(Account, account["id"])
            assert stored is not None
            assert stored.meta_info["webhook_subscription"]["fields"] == ["comments", "messages"]
        media_id = max(world.media_of(ig.id), key=lambda m: len(world.comments_of(m.id))).id

        simulated = await admin("simulate/comment", {"media_id": media_id, "text": "Lovely light"})
        assert simulated["deliveries"][0]["status"] == "delivered"
        assert simulated["deliveries"][0]["payload"]["entry"][0]["field"] == "comments"  # the flat form
        await drain(app)
        inbox = await client.get(f"{API}/comments", params={"status": "unanswered"}, headers=user.headers)
        comment = next(c for c in inbox.json()["items"] if c["platform_comment_id"] == simulated["id"])
        reply = await client.post(
            f"{API}/comments/{comment['id']}/reply", json={"message": "Thank you!"}, headers=user.headers
        )
        assert reply.status_code == 201, reply.text
        hidden = await client.post(
            f"{API}/comments/{comment['id']}/hide", json={"hide": True}, headers=user.headers
        )
        assert hidden.status_code in (200, 201), hidden.text
        assert world.comments[simulated["id"]].hidden is True

        insights = await client.get(
            f"{API}/accounts/{account['id']}/insights", params={"metrics": "reach"}, headers=user.headers
        )
        assert insights.status_code == 200, insights.text

    async def test_answers_a_dm(self, client, app, signup, admin):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        await drain(app)
        world = app.state.sandbox_app.state.sandbox.world
        ig = world.ig_users[account["platform_account_id"]]
        dm = await admin("simulate/message", {"ig_user_id": ig.id, "text": "Do you ship abroad?"})
        synced = await client.post(f"{API}/accounts/{account['id']}/inbox/sync", headers=user.headers)
        assert synced.status_code == 200, synced.text
        conversations = (await client.get(f"{API}/conversations", headers=user.headers)).json()["items"]
        thread = next(c for c in conversations if c["participants"][0]["id"] == dm["sender_id"])
        sent = await client.post(
            f"{API}/conversations/{thread['id']}/messages", json={"text": "We do!"}, headers=user.headers
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["platform_message_id"] in world.messages

    async def test_a_scope_left_out_is_a_409_naming_it_and_the_instagram_login_button(
        self, client, app, signup
    ):
        user = await signup(client)
        untick = ("instagram_business_manage_messages",)
        result = oauth_result(await instagram_login_callback(client, user.headers, untick=untick))
        assert result["status"] == "success", result
        synced = await client.post(f"{API}/accounts/{result['account_id']}/inbox/sync", headers=user.headers)
        assert synced.status_code == 200, synced.text
        comment = (await client.get(f"{API}/comments", headers=user.headers)).json()["items"][0]
        private = await client.post(
            f"{API}/comments/{comment['id']}/private-reply", json={"message": "x"}, headers=user.headers
        )
        assert private.status_code == 409
        assert private.json()["permission"] == "instagram_business_manage_messages"
        assert "reconnect it from Accounts → Connect with Instagram Login" in private.json()["detail"]


async def _set_expiry(app, account_id: int, expires_at) -> None:
    async with app.state.resources.session_factory() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == account_id).values(token_expires_at=expires_at)
        )


class TestInstagramLoginHealth:
    async def test_page_insights_do_not_exist_for_it(self, client, signup):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        response = await client.get(f"{API}/accounts/{account['id']}/insights/page", headers=user.headers)
        assert response.status_code == 409
        assert "Instagram Login" in response.json()["detail"]

    async def test_the_check_refreshes_a_token_near_its_end(self, client, app, signup, admin):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        await admin("clock/advance", {"seconds": 2 * 86400})  # Meta refreshes tokens at least 24 h old
        soon = utcnow() + timedelta(days=5)
        await _set_expiry(app, account["id"], soon)
        checked = await client.post(f"/api/v1/accounts/{account['id']}/check", headers=user.headers)
        assert checked.status_code == 200, checked.text
        assert checked.json()["is_active"] is True
        async with app.state.resources.session_factory() as session:
            stored = await session.get(Account, account["id"])
            assert stored is not None
            assert stored.token_expires_at is not None
            assert stored.token_expires_at.replace(tzinfo=soon.tzinfo) > soon + timedelta(days=50)

    async def test_a_refused_refresh_asks_to_reconnect(self, client, app, signup, admin):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        sandbox = app.state.sandbox_app.state.sandbox
        for token in sandbox.world.tokens.values():
            if token.ig_user_id == account["platform_account_id"]:
                token.revoked = True
        await admin("clock/advance", {"seconds": 2 * 86400})
        await _set_expiry(app, account["id"], utcnow() + timedelta(days=5))
        checked = await client.post(f"/api/v1/accounts/{account['id']}/check", headers=user.headers)
        body = checked.json()
        assert body["is_active"] is False, body
        assert body["action"] == "reconnect"


class TestAccountWithNoPageAtAll:
    async def test_connects_publishes_and_reads_insights(self, client, app, signup):
        sandbox = app.state.sandbox_app.state.sandbox
        solo = add_instagram_only_account(sandbox.world, sandbox.cdn, now=sandbox.clock.now())
        assert sandbox.world.page_of_ig_user(solo.id) is None
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers, username="solo.creator")
        assert (account["platform_account_id"], account["login_flavour"]) == (solo.id, "instagram")
        publisher = Publisher(client=client, app=app, user=user, account=account)
        await publisher.admin("PATCH", "config", {"image_processing_seconds": 0})
        post = await _publish(
            publisher, media_type="IMAGE", clip_id=await publisher.clip(jpeg(1080, 1080), "p.jpg")
        )
        assert post["status"] == "published", post
        insights = await client.get(
            f"{API}/accounts/{account['id']}/insights", params={"metrics": "reach"}, headers=user.headers
        )
        assert insights.status_code == 200, insights.text
