"""Sending one of the user's clips in a conversation, as a signed URL."""

from __future__ import annotations

from clipper.users.models import User
from tests.fixtures.factories import create_clip
from tests.fixtures.inbox import API


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
