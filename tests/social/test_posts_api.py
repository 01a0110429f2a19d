"""The posts API: validation up front with every reason, scoping, editing rules, multi-account, bulk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from auth_helpers import signup
from media_factory import jpeg
from social.publish_helpers import API, Publisher


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
        from social.publish_helpers import until_done

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
