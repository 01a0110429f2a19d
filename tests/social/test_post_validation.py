"""POST /api/v1/social/ refuses each bad input with a 422 naming it in plain words, and creates nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.clips.models import Clip, ClipStatus
from tests.fixtures.auth import signup
from tests.fixtures.media_factory import jpeg, mp4, mpo, png
from tests.fixtures.oauth_flow import connect_instagram
from tests.social.publish_helpers import API, Publisher

MEDIA: dict[str, Callable[[], tuple[bytes, str]]] = {
    "photo": lambda: (jpeg(1080, 1080), "photo.jpg"),
    "png": lambda: (png(1080, 1080), "photo.png"),
    "reel": lambda: (mp4(90, 160), "reel.mp4"),
    "wide": lambda: (mp4(160, 90), "wide.mp4"),
    "cover": lambda: (jpeg(1080, 1920), "cover.jpg"),
    "mpo": lambda: (mpo(1080, 1920), "cover.mpo"),
}


@dataclass
class Kit:
    """The publisher, its clips uploaded on first use, and the test's DB session."""

    publisher: Publisher
    session: AsyncSession
    clips: dict[str, int] = field(default_factory=dict)

    async def clip(self, name: str) -> int:
        if name not in self.clips:
            self.clips[name] = await self.publisher.clip(*MEDIA[name]())
        return self.clips[name]

    async def reel(self, **options: Any) -> dict[str, Any]:
        return {"media_type": "REELS", "clip_id": await self.clip("reel"), "options": options}


@pytest.fixture
def kit(publisher: Publisher, session: AsyncSession) -> Kit:
    return Kit(publisher=publisher, session=session)


async def _assert_refused_with(publisher: Publisher, body: dict[str, Any], reason: str) -> None:
    """422 with `reason` among the reasons, and no post was created."""
    response = await publisher.create(**body)
    listed = await publisher.client.get(API, headers=publisher.headers)

    assert response.status_code == 422, response.text
    assert reason in response.json()["reasons"], response.json()["reasons"]
    assert listed.json()["items"] == []


Case = Callable[[Kit], Awaitable[tuple[dict[str, Any], str]]]


async def _mentions_over_limit(kit: Kit) -> tuple[dict[str, Any], str]:
    caption = " ".join(f"@friend{i}" for i in range(21))
    body = {"media_type": "IMAGE", "clip_id": await kit.clip("photo"), "caption": caption}
    return body, "caption has 21 @mentions; at most 20 are allowed"


async def _png_as_image(kit: Kit) -> tuple[dict[str, Any], str]:
    clip_id = await kit.clip("png")
    body = {"media_type": "IMAGE", "clip_id": clip_id}
    return body, f"clip {clip_id}: image is PNG; Instagram takes JPEG only — conform it"


async def _wide_video_as_reel(kit: Kit) -> tuple[dict[str, Any], str]:
    clip_id = await kit.clip("wide")
    body = {"media_type": "REELS", "clip_id": clip_id}
    return body, f"clip {clip_id}: video is 16:9 at 160×90; reels need 9:16 — conform it"


async def _naive_schedule(kit: Kit) -> tuple[dict[str, Any], str]:
    body = {"media_type": "IMAGE", "clip_id": await kit.clip("photo"), "scheduled_for": "2031-05-01T09:00:00"}
    return body, (
        "scheduled_for 2031-05-01T09:00:00 has no UTC offset: add one, "
        "e.g. 2026-05-01T09:00:00+02:00 or 2026-05-01T07:00:00Z"
    )


async def _cover_and_thumb_offset(kit: Kit) -> tuple[dict[str, Any], str]:
    body = await kit.reel(cover_clip_id=await kit.clip("cover"), thumb_offset_ms=500)
    return body, "give either a cover image or a thumbnail offset, not both"


async def _thumb_offset_past_the_end(kit: Kit) -> tuple[dict[str, Any], str]:
    body = await kit.reel(thumb_offset_ms=60_000)
    clip = await kit.publisher.client.get(f"/api/v1/clips/{body['clip_id']}", headers=kit.publisher.headers)
    length_ms = int(clip.json()["duration_seconds"] * 1000)
    return body, f"thumbnail offset 60000 ms is past the end of the video ({length_ms} ms)"


async def _four_collaborators(kit: Kit) -> tuple[dict[str, Any], str]:
    body = await kit.reel(collaborators=["ann", "bob", "cat", "dan"])
    return body, "at most 3 collaborators can be invited"


async def _long_alt_text(kit: Kit) -> tuple[dict[str, Any], str]:
    body = {"media_type": "IMAGE", "clip_id": await kit.clip("photo"), "options": {"alt_text": "a" * 1001}}
    return body, "alt text is longer than 1000 characters"


async def _mpo_cover(kit: Kit) -> tuple[dict[str, Any], str]:
    cover = await kit.clip("mpo")
    body = await kit.reel(cover_clip_id=cover)
    return body, (
        f"cover clip {cover}: image is a multi-picture JPEG (MPO); "
        "Instagram takes plain JPEG only — conform it"
    )


async def _cover_still_processing(kit: Kit) -> tuple[dict[str, Any], str]:
    cover = await kit.clip("cover")
    await kit.session.execute(update(Clip).where(Clip.id == cover).values(status=ClipStatus.PROCESSING))
    await kit.session.commit()
    return await kit.reel(cover_clip_id=cover), f"cover clip {cover}: a reel cover must be a ready image clip"


async def _video_as_cover(kit: Kit) -> tuple[dict[str, Any], str]:
    cover = await kit.clip("wide")
    return await kit.reel(cover_clip_id=cover), f"cover clip {cover}: a reel cover must be a ready image clip"


@pytest.mark.parametrize(
    "case",
    [
        _mentions_over_limit,
        _png_as_image,
        _wide_video_as_reel,
        _naive_schedule,
        _cover_and_thumb_offset,
        _thumb_offset_past_the_end,
        _four_collaborators,
        _long_alt_text,
        _mpo_cover,
        _cover_still_processing,
        _video_as_cover,
    ],
    ids=lambda case: case.__name__.strip("_"),
)
async def test_each_bad_input_is_refused_with_its_reason(kit: Kit, case: Case) -> None:
    body, reason = await case(kit)

    await _assert_refused_with(kit.publisher, body, reason)


class TestCaptionCounts:
    async def test_hashtags_count_apart_from_mentions(self, kit: Kit) -> None:
        """25 hashtags (list and caption together) and 20 @mentions fit in one caption, as on Instagram."""
        mentions = " ".join(f"@friend{i}" for i in range(20))
        response = await kit.publisher.create(
            media_type="IMAGE",
            clip_id=await kit.clip("photo"),
            caption=f"Hello {mentions} #inline",
            hashtags=[f"tag{i}" for i in range(24)],
        )

        assert response.status_code == 201, response.text

    async def test_31_hashtags_are_refused(self, kit: Kit) -> None:
        body = {
            "media_type": "IMAGE",
            "clip_id": await kit.clip("photo"),
            "caption": "#one",
            "hashtags": [f"tag{i}" for i in range(30)],
        }

        await _assert_refused_with(kit.publisher, body, "caption has 31 hashtags; at most 30 are allowed")

    async def test_a_good_jpeg_cover_is_accepted(self, kit: Kit) -> None:
        response = await kit.publisher.create(**await kit.reel(cover_clip_id=await kit.clip("cover")))

        assert response.status_code == 201, response.text
        assert response.json()["options"]["cover_clip_id"] == await kit.clip("cover")


class TestAccountReasons:
    async def test_an_inactive_account_is_refused(self, kit: Kit) -> None:
        account = kit.publisher.account
        await kit.session.execute(
            update(Account)
            .where(Account.id == account["id"])
            .values(is_active=False, health_reason="the token expired")
        )
        await kit.session.commit()
        body = {"media_type": "IMAGE", "clip_id": await kit.clip("photo")}

        await _assert_refused_with(
            kit.publisher,
            body,
            f"Instagram access for @{account['username']} is no longer valid (the token expired): "
            "reconnect it from Accounts → Connect Instagram",
        )

    async def test_an_account_without_the_publish_permission_is_refused(
        self, client: httpx.AsyncClient, kit: Kit
    ) -> None:
        user = await signup(client)
        account = await connect_instagram(
            client, user.headers, username="sandbox.studio", untick=("instagram_content_publish",)
        )
        publisher = Publisher(client=client, app=kit.publisher.app, user=user, account=account)
        body = {"media_type": "IMAGE", "clip_id": await publisher.clip(*MEDIA["photo"]())}

        await _assert_refused_with(
            publisher,
            body,
            f"@{account['username']} was connected without the "
            "'instagram_content_publish' permission, which this needs: "
            "reconnect it from Accounts → Connect Instagram and leave that permission ticked",
        )

    async def test_another_users_account_is_not_found(self, client: httpx.AsyncClient, kit: Kit) -> None:
        other = await signup(client)
        foreign = await connect_instagram(client, other.headers, username="sandbox.studio")
        body = {"account_id": foreign["id"], "media_type": "IMAGE", "clip_id": await kit.clip("photo")}

        await _assert_refused_with(
            kit.publisher, body, f"account {foreign['id']} was not found among your connected accounts"
        )


class TestScheduleGrace:
    async def test_a_time_that_just_passed_is_due_now_and_one_long_past_is_refused(
        self, publisher: Publisher
    ) -> None:
        clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
        just_passed = (datetime.now(UTC) - timedelta(seconds=20)).isoformat()
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, scheduled_for=just_passed)
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "scheduled"

        long_past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        refused = await publisher.create(media_type="IMAGE", clip_id=clip_id, scheduled_for=long_past)
        assert refused.status_code == 422
        assert any("in the past" in reason for reason in refused.json()["reasons"])
