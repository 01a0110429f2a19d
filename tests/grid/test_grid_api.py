"""The grid preview through the API: scheduled posts ahead of Meta's media, stories apart, owners, errors."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from clipper.accounts.models import Account
from clipper.db import unit_of_work
from tests.fixtures.auth import signup
from tests.fixtures.instagram_login import connect_with_instagram
from tests.fixtures.media_factory import jpeg, mp4
from tests.grid.grid_helpers import Grid, days_ahead, when


def scheduled(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [tile for tile in body["tiles"] if tile["kind"] == "scheduled"]


def published(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [tile for tile in body["tiles"] if tile["kind"] == "published"]


class TestGrid:
    async def test_scheduled_posts_come_first_latest_first_then_metas_media_newest_first(
        self, grid: Grid
    ) -> None:
        soon = await grid.schedule(days_ahead(1), caption="soon")
        later = await grid.schedule(days_ahead(3), caption="later")
        middle = await grid.schedule(days_ahead(2), caption="middle")

        body = await grid.read()

        assert body["account_id"] == grid.account_id
        assert body["tile_aspect"] == "3:4"
        kinds = [tile["kind"] for tile in body["tiles"]]
        assert kinds == sorted(kinds, key=lambda kind: kind != "scheduled")
        assert [tile["post_id"] for tile in scheduled(body)] == [later["id"], middle["id"], soon["id"]]
        times = [when(tile["at"]) for tile in published(body)]
        assert times == sorted(times, reverse=True)
        assert len(published(body)) == body["published_shown"] >= 5

    async def test_a_scheduled_tile_shows_its_clip_and_the_feed_crop(self, grid: Grid) -> None:
        post = await grid.schedule(days_ahead(1))

        tile = scheduled(await grid.read())[0]

        assert tile["post_id"] == post["id"]
        assert tile["status"] == "scheduled"
        assert tile["media_type"] == "IMAGE"
        assert (tile["feed_aspect"], tile["aspect_source"]) == ("4:5", "image")
        assert tile["swappable"]
        image = await grid.publisher.client.get(tile["image_url"])
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/jpeg"

    async def test_a_carousel_shows_its_first_item_and_a_reel_its_cover(self, grid: Grid) -> None:
        square = await grid.publisher.clip(jpeg(600, 600), "square.jpg")
        carousel = await grid.schedule(
            days_ahead(2), media_type="CAROUSEL", clip_ids=[square, grid.clip_id], caption="album"
        )
        video = await grid.publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        cover = await grid.publisher.clip(jpeg(360, 640), "cover.jpg")
        reel = await grid.schedule(
            days_ahead(1), media_type="REELS", clip_id=video, options={"cover_clip_id": cover}
        )

        tiles = {tile["post_id"]: tile for tile in scheduled(await grid.read())}

        assert (tiles[carousel["id"]]["feed_aspect"], tiles[carousel["id"]]["aspect_source"]) == (
            "1:1",
            "first_item",
        )
        assert tiles[reel["id"]]["reel"]
        assert (tiles[reel["id"]]["feed_aspect"], tiles[reel["id"]]["aspect_source"]) == ("1:1", "reel_cover")
        clips = grid.publisher.client
        first_item = (await clips.get(f"/api/v1/clips/{square}", headers=grid.publisher.headers)).json()
        cover_clip = (await clips.get(f"/api/v1/clips/{cover}", headers=grid.publisher.headers)).json()
        # The same file as the clip's own thumbnail (signed URLs differ only by their expiry).
        assert tiles[carousel["id"]]["image_url"].split("?")[0] == first_item["thumbnail_url"].split("?")[0]
        assert tiles[reel["id"]]["image_url"].split("?")[0] == cover_clip["thumbnail_url"].split("?")[0]

    async def test_stories_are_listed_apart_and_a_reel_kept_off_the_feed_is_not_in_the_grid(
        self, grid: Grid
    ) -> None:
        story_clip = await grid.publisher.clip(jpeg(360, 640), "story.jpg")
        late = await grid.schedule(days_ahead(2), media_type="STORIES", clip_id=story_clip)
        early = await grid.schedule(days_ahead(1), media_type="STORIES", clip_id=story_clip)
        video = await grid.publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        hidden = await grid.schedule(
            days_ahead(1), media_type="REELS", clip_id=video, options={"share_to_feed": False}
        )

        body = await grid.read()

        assert [tile["post_id"] for tile in body["stories"]] == [early["id"], late["id"]]
        assert all(tile["media_type"] == "STORIES" for tile in body["stories"])
        in_grid = {tile["post_id"] for tile in scheduled(body)}
        assert not in_grid & {early["id"], late["id"], hidden["id"]}

    async def test_metas_media_carry_their_images_and_links(self, grid: Grid) -> None:
        tiles = published(await grid.read())

        by_type = {tile["media_type"]: tile for tile in tiles}
        assert {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"} <= set(by_type)
        assert all(tile["image_url"] and tile["permalink"] and tile["media_id"] for tile in tiles)
        assert by_type["VIDEO"]["reel"]
        assert by_type["VIDEO"]["feed_aspect"] == "1:1"
        assert not any(tile["swappable"] for tile in tiles)
        for tile in (by_type["VIDEO"], by_type["CAROUSEL_ALBUM"]):
            image = await grid.publisher.client.get(tile["image_url"])
            assert image.status_code == 200
            assert image.headers["content-type"] == "image/jpeg"

    async def test_an_instagram_login_account_has_a_grid_too(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)

        response = await client.get(f"/api/v1/grid/{account['id']}", headers=user.headers)

        assert response.status_code == 200, response.text
        assert response.json()["published_shown"] >= 1


class TestAccess:
    async def test_another_users_account_is_a_404(self, grid: Grid, client: httpx.AsyncClient) -> None:
        stranger = await signup(client)

        response = await client.get(f"/api/v1/grid/{grid.account_id}", headers=stranger.headers)

        assert response.status_code == 404
        assert response.json()["error"] == "NotFound"

    async def test_an_unknown_account_is_a_404_and_a_bad_id_a_422(self, grid: Grid) -> None:
        assert (await grid.get(999_999)).status_code == 404
        assert (await grid.get(2**40)).status_code == 422


class TestGraphErrors:
    async def test_a_rate_limit_from_meta_is_a_429(self, grid: Grid, app: FastAPI) -> None:
        app.state.resources.graph.max_retries = 0  # the client would otherwise wait and try again
        ig_id = grid.publisher.account["platform_account_id"]
        fault = {"action": "error", "path": f"^{ig_id}/media$", "times": 1, "code": 4, "http_status": 403}
        assert (await grid.publisher.client.post("/sandbox/_admin/faults", json=fault)).status_code == 201

        response = await grid.get()

        assert response.status_code == 429
        assert response.json()["error"] == "TooManyRequests"

    async def test_a_refused_token_is_a_409_to_reconnect(self, grid: Grid, app: FastAPI) -> None:
        resources = app.state.resources
        async with unit_of_work(resources.session_factory) as session:
            account = await session.scalar(select(Account).where(Account.id == grid.account_id))
            assert account is not None
            token = resources.cipher.decrypt(account.page_access_token_enc)
        invalidate = {"token": token, "subcode": 463}
        await grid.publisher.client.post("/sandbox/_admin/tokens/invalidate", json=invalidate)

        response = await grid.get()

        assert response.status_code == 409
        assert response.json()["error"] == "ReconnectRequired"
