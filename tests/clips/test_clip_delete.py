"""DELETE /api/v1/clips/{id} keeps every post that is not yet published whole: drafts included."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.social.models import PostStatus, SocialPost
from tests.clips.clip_helpers import upload_ok
from tests.fixtures import media_factory
from tests.fixtures.auth import SignedUp
from tests.fixtures.oauth_flow import connect_instagram

POSTS = "/api/v1/social/"


async def _create_post(api: httpx.AsyncClient, owner: SignedUp, **body: Any) -> dict[str, Any]:
    response = await api.post(POSTS, json={"platform": "instagram", **body}, headers=owner.headers)
    assert response.status_code == 201, response.text
    post: dict[str, Any] = response.json()
    return post


async def _delete_clip(api: httpx.AsyncClient, owner: SignedUp, clip_id: int) -> httpx.Response:
    return await api.delete(f"/api/v1/clips/{clip_id}", headers=owner.headers)


async def _clip_exists(api: httpx.AsyncClient, owner: SignedUp, clip_id: int) -> bool:
    return (await api.get(f"/api/v1/clips/{clip_id}", headers=owner.headers)).status_code == 200


class TestDeleteAClipThatADraftUses:
    async def test_refuses_naming_the_draft_carousel_and_leaves_it_whole(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        account = await connect_instagram(api, owner.headers)
        first = await upload_ok(api, owner, media_factory.jpeg(1080, 1080), "a.jpg")
        second = await upload_ok(api, owner, media_factory.jpeg(1080, 1080), "b.jpg")
        draft = await _create_post(
            api, owner, account_id=account["id"], media_type="CAROUSEL", clip_ids=[first["id"], second["id"]]
        )

        refused = await _delete_clip(api, owner, second["id"])
        after = (await api.get(f"{POSTS}{draft['id']}", headers=owner.headers)).json()

        assert refused.status_code == 409
        assert refused.json()["detail"] == (
            f"Clip {second['id']} is used by post {draft['id']} (draft): "
            "delete that post or change it to another clip first."
        )
        assert after["clip_ids"] == [first["id"], second["id"]]
        assert await _clip_exists(api, owner, second["id"])

    async def test_refuses_for_a_reel_cover_and_names_every_post(
        self, api: httpx.AsyncClient, owner: SignedUp
    ) -> None:
        account = await connect_instagram(api, owner.headers)
        reel = await upload_ok(api, owner, media_factory.mp4(90, 160), "reel.mp4")
        cover = await upload_ok(api, owner, media_factory.jpeg(1080, 1920), "cover.jpg")
        as_cover = await _create_post(
            api,
            owner,
            account_id=account["id"],
            media_type="REELS",
            clip_id=reel["id"],
            options={"cover_clip_id": cover["id"]},
        )
        as_image = await _create_post(
            api, owner, account_id=account["id"], media_type="STORIES", clip_id=cover["id"]
        )

        refused = await _delete_clip(api, owner, cover["id"])

        assert refused.status_code == 409
        assert refused.json()["detail"].startswith(
            f"Clip {cover['id']} is used by post {as_cover['id']} (draft), post {as_image['id']} (draft): "
            "delete those posts"
        )

    async def test_deletes_once_the_draft_is_gone(self, api: httpx.AsyncClient, owner: SignedUp) -> None:
        account = await connect_instagram(api, owner.headers)
        clip = await upload_ok(api, owner, media_factory.jpeg(1080, 1080), "a.jpg")
        draft = await _create_post(
            api, owner, account_id=account["id"], media_type="IMAGE", clip_id=clip["id"]
        )

        assert (await _delete_clip(api, owner, clip["id"])).status_code == 409
        assert (await api.delete(f"{POSTS}{draft['id']}", headers=owner.headers)).status_code == 204
        assert (await _delete_clip(api, owner, clip["id"])).status_code == 204
        assert not await _clip_exists(api, owner, clip["id"])


class TestDeleteAClipOfAPublishedPost:
    async def test_a_published_post_does_not_hold_the_clip(
        self, api: httpx.AsyncClient, owner: SignedUp, session: AsyncSession
    ) -> None:
        account = await connect_instagram(api, owner.headers)
        clip = await upload_ok(api, owner, media_factory.jpeg(1080, 1080), "a.jpg")
        post = await _create_post(
            api, owner, account_id=account["id"], media_type="IMAGE", clip_id=clip["id"]
        )
        await session.execute(
            update(SocialPost).where(SocialPost.id == post["id"]).values(status=PostStatus.PUBLISHED)
        )
        await session.commit()

        deleted = await _delete_clip(api, owner, clip["id"])
        record = await api.get(f"{POSTS}{post['id']}", headers=owner.headers)

        assert deleted.status_code == 204
        assert record.status_code == 200
        assert record.json()["status"] == "published"
        assert record.json()["clip_id"] is None
