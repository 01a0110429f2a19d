"""The posts API: validation up front with every reason, scoping, editing rules, multi-account, bulk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.social.models import PostStatus, SocialPost
from tests.fixtures.auth import signup
from tests.fixtures.media_factory import jpeg
from tests.social.publish_helpers import API, Publisher, until_done


async def _set_status(session: AsyncSession, post_id: int, status: PostStatus, **values: object) -> None:
    """Put a post in a state the API cannot reach on its own in a test (a worker mid-publish, a failure)."""
    await session.execute(update(SocialPost).where(SocialPost.id == post_id).values(status=status, **values))
    await session.commit()


class TestCreatePost:
    async def test_rejects_bad_input_with_every_reason_at_once(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        response = await publisher.create(
            media_type="IMAGE",
            clip_id=clip_id,
            caption="x" * 2300,
            hashtags=[f"tag{i}" for i in range(31)],
            scheduled_for=(datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            options={"share_to_feed": True, "user_tags": [{"username": "a", "x": 1.5, "y": 0.2}]},
        )

        assert response.status_code == 422
        reasons = " | ".join(response.json()["reasons"])
        assert "2200" in reasons
        assert "31 hashtags" in reasons
        assert "share_to_feed" in reasons
        assert "between 0 and 1" in reasons
        assert "in the past" in reasons

    async def test_rejects_a_carousel_of_one_and_another_users_clip(
        self, publisher: Publisher, client: httpx.AsyncClient
    ) -> None:
        other = await signup(client)
        foreign = await client.post(
            "/api/v1/clips", headers=other.headers, files={"file": ("o.jpg", jpeg(1080, 1080))}
        )
        response = await publisher.create(media_type="CAROUSEL", clip_ids=[foreign.json()["id"]])

        assert response.status_code == 422
        reasons = " | ".join(response.json()["reasons"])
        assert "2 to 10 clips" in reasons
        assert "not found in your library" in reasons

    async def test_schedules_one_post_per_account(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        when = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
        response = await publisher.create(
            account_id=None,
            account_ids=[publisher.account["id"]],
            media_type="IMAGE",
            clip_id=clip_id,
            scheduled_for=when,
        )

        assert response.status_code == 201, response.text
        items = response.json()["items"]
        assert [item["status"] for item in items] == ["scheduled"]


class TestPostLifecycle:
    async def test_another_users_post_is_not_found(
        self, publisher: Publisher, client: httpx.AsyncClient
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()
        other = await signup(client)

        assert (await client.get(f"{API}{post['id']}", headers=other.headers)).status_code == 404
        assert (await client.delete(f"{API}{post['id']}", headers=other.headers)).status_code == 404

    async def test_edits_a_draft_and_lists_with_filters(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()

        edited = await publisher.client.put(
            f"{API}{post['id']}", json={"caption": "New words"}, headers=publisher.headers
        )
        listed = await publisher.client.get(
            API, params={"status": "draft", "limit": 1}, headers=publisher.headers
        )

        assert edited.status_code == 200, edited.text
        assert edited.json()["caption"] == "New words"
        assert [item["id"] for item in listed.json()["items"]] == [post["id"]]

    async def test_bulk_creates_nothing_when_a_row_is_invalid(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        account = publisher.account["id"]
        csv_text = (
            "account_id,media_type,clip_id,caption,hashtags\n"
            f"{account},IMAGE,{clip_id},Fine,a b\n"
            f"{account},REELS,{clip_id},Wrong type,\n"
        )
        response = await publisher.client.post(
            f"{API}bulk", content=csv_text, headers={**publisher.headers, "Content-Type": "text/csv"}
        )
        listed = await publisher.client.get(API, headers=publisher.headers)

        assert response.status_code == 422
        assert [row["row"] for row in response.json()["rows"]] == [2]
        assert listed.json()["items"] == []

    async def test_a_published_post_cannot_change_and_leaves_only_our_list(
        self, publisher: Publisher
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()
        await publisher.publish(post["id"])
        await until_done(publisher, post["id"])

        edit = await publisher.client.put(
            f"{API}{post['id']}", json={"caption": "x"}, headers=publisher.headers
        )
        deleted = await publisher.client.delete(f"{API}{post['id']}", headers=publisher.headers)
        after = await publisher.client.get(f"{API}{post['id']}", headers=publisher.headers)

        assert edit.status_code == 409
        assert deleted.status_code == 204
        assert after.status_code == 404
        assert len(await publisher.published()) == 1

    @pytest.mark.parametrize("status", [PostStatus.PUBLISHING, PostStatus.UNCONFIRMED])
    async def test_a_post_in_flight_cannot_be_deleted(
        self, publisher: Publisher, session: AsyncSession, status: PostStatus
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()
        await _set_status(session, post["id"], status)

        deleted = await publisher.client.delete(f"{API}{post['id']}", headers=publisher.headers)

        assert deleted.status_code == 409
        assert deleted.json()["detail"] == (
            f"Post {post['id']} is being published right now: wait for it to finish, then delete it."
        )
        assert (await publisher.post(post["id"]))["status"] == status.value

    async def test_a_post_being_published_cannot_change(
        self, publisher: Publisher, session: AsyncSession
    ) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Before")).json()
        await _set_status(session, post["id"], PostStatus.PUBLISHING)

        edit = await publisher.client.put(
            f"{API}{post['id']}", json={"caption": "After"}, headers=publisher.headers
        )

        assert edit.status_code == 409
        assert edit.json()["detail"] == (
            f"Post {post['id']} is publishing: only draft, scheduled or failed posts can change."
        )
        assert (await publisher.post(post["id"]))["caption"] == "Before"

    async def test_publish_retries_a_failed_post(self, publisher: Publisher, session: AsyncSession) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()
        await _set_status(
            session, post["id"], PostStatus.FAILED, attempts=3, error_message="Instagram was unavailable."
        )

        retried = await publisher.client.post(f"{API}{post['id']}/publish", headers=publisher.headers)
        done = await until_done(publisher, post["id"])

        assert retried.status_code == 202, retried.text
        queued = retried.json()
        assert (queued["status"], queued["attempts"], queued["error_message"]) == ("scheduled", 0, None)
        assert queued["timeline"][-1]["event"] == "publish_requested"
        assert done["status"] == "published"
        assert [item["media_id"] for item in await publisher.published()] == [done["platform_post_id"]]
