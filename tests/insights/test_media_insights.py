"""GET /api/v1/instagram/media/{media_id}/insights: the catalogue per product type, ownership, stories."""

from __future__ import annotations

import pytest

from clipper.accounts.models import Account
from clipper.insights.catalogue import MEDIA_CATALOGUE
from clipper.kv import RedisStore
from clipper.social.models import PostStatus
from clipper.users.models import User
from tests.fixtures.factories import create_post

MEDIA_INSIGHTS_CALL = "GET /{id}/insights"


def url(media_id: str) -> str:
    return f"/api/v1/instagram/media/{media_id}/insights"


def world_media(sandbox, ig_id: str, product: str, media_type: str | None = None):
    found = [
        m
        for m in sandbox.world.media_of(ig_id)
        if m.media_product_type == product and (media_type is None or m.media_type == media_type)
    ]
    return found[0]


class TestCatalogue:
    @pytest.mark.parametrize(
        ("product", "media_type"), [("FEED", "IMAGE"), ("FEED", "CAROUSEL_ALBUM"), ("REELS", None)]
    )
    async def test_every_metric_of_the_product_type(self, client, connect, sandbox, product, media_type):
        me = await connect()
        media = world_media(sandbox, me.ig_id, product, media_type)
        response = await client.get(url(media.id), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["media_product_type"] == product
        assert set(body["metrics"]) == set(MEDIA_CATALOGUE[product])
        assert body["unsupported"] == []

    async def test_a_metric_the_type_lacks_is_listed_not_fatal(self, client, connect, sandbox):
        me = await connect()
        reel = world_media(sandbox, me.ig_id, "REELS")
        response = await client.get(
            url(reel.id),
            params={"account_id": me.account_id, "metrics": "reach,navigation,plays,saved"},
            headers=me.headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body["metrics"]) == {"reach", "views", "saved"}  # plays is retired: asked as views
        assert body["unsupported"] == ["navigation"]

    async def test_feed_numbers_agree_with_each_other(self, client, connect, sandbox):
        me = await connect()
        image = world_media(sandbox, me.ig_id, "FEED", "IMAGE")
        response = await client.get(url(image.id), params={"account_id": me.account_id}, headers=me.headers)
        metrics = response.json()["metrics"]
        assert metrics["likes"] == image.like_count
        assert metrics["total_interactions"] == sum(
            metrics[n] for n in ("likes", "comments", "saved", "shares")
        )

    async def test_the_second_read_comes_from_the_cache(
        self, kv_backend, app, client, connect, sandbox, calls
    ):
        assert isinstance(app.state.resources.kv, RedisStore) == (kv_backend == "redis")
        me = await connect()
        image = world_media(sandbox, me.ig_id, "FEED", "IMAGE")
        params = {"account_id": me.account_id}
        first = await client.get(url(image.id), params=params, headers=me.headers)
        second = await client.get(url(image.id), params=params, headers=me.headers)
        assert second.json()["source"] == "cache"
        assert second.json()["metrics"] == first.json()["metrics"]
        assert calls.count(MEDIA_INSIGHTS_CALL) == 1

    async def test_a_carousel_child_is_a_422_in_one_call(self, client, connect, sandbox, calls):
        me = await connect()
        album = world_media(sandbox, me.ig_id, "FEED", "CAROUSEL_ALBUM")
        response = await client.get(
            url(album.children[0]), params={"account_id": me.account_id}, headers=me.headers
        )
        assert response.status_code == 422
        assert calls.count(MEDIA_INSIGHTS_CALL) == 1

    async def test_a_catalogue_metric_meta_refuses_is_listed_and_the_rest_answered(
        self, client, connect, sandbox, calls
    ):
        me = await connect()
        image = world_media(sandbox, me.ig_id, "FEED", "IMAGE")
        fault = {
            "path": f"^{image.id}/insights$",
            "params_match": {"metric": r"\breposts\b"},
            "times": None,
            "code": 100,
            "message": "(#100) metric[4] must be one of the following values: reach, views (not reposts)",
        }
        assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code in (200, 201)
        response = await client.get(url(image.id), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["unsupported"] == ["reposts"]
        assert set(body["metrics"]) == set(MEDIA_CATALOGUE["FEED"]) - {"reposts"}
        assert body["metrics"]["likes"] == image.like_count
        # The refused set, then one call per metric of the catalogue.
        assert calls.count(MEDIA_INSIGHTS_CALL) == 1 + len(MEDIA_CATALOGUE["FEED"])


class TestOwnership:
    async def test_a_published_post_is_found_without_account_id(self, client, connect, sandbox, session):
        me = await connect()
        image = world_media(sandbox, me.ig_id, "FEED", "IMAGE")
        account = await session.get_one(Account, me.account_id)
        user = await session.get_one(User, account.user_id)
        await create_post(
            session, user=user, account=account, status=PostStatus.PUBLISHED, platform_post_id=image.id
        )
        response = await client.get(url(image.id), headers=me.headers)
        assert response.status_code == 200, response.text
        assert response.json()["account_id"] == me.account_id

    async def test_unknown_media_without_account_id_is_a_404(self, client, connect, sandbox):
        me = await connect()
        image = world_media(sandbox, me.ig_id, "FEED", "IMAGE")
        assert (await client.get(url(image.id), headers=me.headers)).status_code == 404

    async def test_another_accounts_media_is_a_404(self, client, connect, sandbox):
        owner, other = await connect(), await connect(username="sandbox.studio")
        image = world_media(sandbox, owner.ig_id, "FEED", "IMAGE")
        mine = await client.get(url(image.id), params={"account_id": other.account_id}, headers=other.headers)
        assert mine.status_code == 404
        theirs = await client.get(
            url(image.id), params={"account_id": owner.account_id}, headers=other.headers
        )
        assert theirs.status_code == 404

    async def test_without_the_insights_permission_is_a_409(self, client, connect, sandbox):
        me = await connect(untick=("instagram_manage_insights",))
        image = world_media(sandbox, me.ig_id, "FEED", "IMAGE")
        response = await client.get(url(image.id), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_insights"
