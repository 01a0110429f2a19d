"""Inbox comments carry their media's details: from the sync's media read, or one batched read per media."""

from __future__ import annotations

from clipper.inbox.media import CAPTION_CHARS
from tests.fixtures.inbox import API, drain
from tests.fixtures.oauth_flow import sandbox_of


def expected(app, media_id: str) -> dict:
    media = sandbox_of(app).world.media[media_id]
    caption = media.caption
    if caption is not None and len(caption) > CAPTION_CHARS:
        caption = caption[: CAPTION_CHARS - 1].rstrip() + "…"
    return {
        "media_caption": caption,
        "media_permalink": media.permalink,
        "media_product_type": media.media_product_type,
        "media_thumbnail_url": (media.thumbnail_url if media.media_type == "VIDEO" else None)
        or media.media_url,
    }


def details(comment: dict) -> dict:
    return {key: value for key, value in comment.items() if key.startswith("media_") and key != "media_id"}


async def inbox(client, owner) -> list[dict]:
    return (await client.get(f"{API}/comments", params={"limit": 100}, headers=owner.headers)).json()["items"]


def feed_media(app, ig_id: str) -> list[str]:
    world = sandbox_of(app).world
    media = [m for m in world.media_of(ig_id) if m.comment_enabled and m.media_product_type != "STORY"]
    return [m.id for m in sorted(media, key=lambda m: m.timestamp, reverse=True)]


class TestCommentMedia:
    async def test_synced_comments_carry_media_details_without_extra_calls(self, client, app, owner, calls):
        response = await client.post(
            f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers
        )
        assert response.status_code == 200, response.text
        items = await inbox(client, owner)
        assert items
        for comment in items:
            assert details(comment) == expected(app, comment["media_id"])
        assert "GET /" not in calls

    async def test_a_webhook_comment_gets_details_in_one_read_per_media(
        self, client, app, owner, webhooks_on, admin, calls
    ):
        media_id = feed_media(app, owner.ig_id)[0]
        first = await admin("simulate/comment", {"media_id": media_id, "text": "Where is this?"})
        await drain(app)
        second = await admin("simulate/comment", {"media_id": media_id, "text": "Gorgeous"})
        await drain(app)
        found = {c["platform_comment_id"]: c for c in await inbox(client, owner)}
        for simulated in (first, second):
            assert details(found[simulated["id"]]) == expected(app, media_id)
        assert calls.count("GET /") == 1

    async def test_comments_on_several_new_media_share_one_read(
        self, client, app, owner, webhooks_on, admin, calls
    ):
        await client.patch("/sandbox/_admin/webhooks/settings", json={"hold": True})
        media_ids = feed_media(app, owner.ig_id)[:3]
        simulated = [await admin("simulate/comment", {"media_id": m, "text": "Nice"}) for m in media_ids]
        await client.patch("/sandbox/_admin/webhooks/settings", json={"hold": False})
        await admin("webhooks/flush")
        await drain(app)
        found = {c["platform_comment_id"]: c for c in await inbox(client, owner)}
        for media_id, comment in zip(media_ids, simulated, strict=True):
            assert details(found[comment["id"]]) == expected(app, media_id)
        assert calls.count("GET /") == 1
