"""Reading media, account edges, comment_enabled, permalink pages and the admin listings."""

from __future__ import annotations

from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import Publisher, error_of

ALL_FIELDS = (
    "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,"
    "username,owner,like_count,comments_count,is_comment_enabled,is_shared_to_feed,children,alt_text,"
    "legacy_instagram_media_id,ig_id,total_comments_count,total_like_count,total_views_count,view_count,"
    "reposts_count,saved_count,shares_count"
)


async def _post_image(pub: Publisher, caption: str = "A post", **params: str) -> str:
    url = pub.host(media_factory.jpeg(color=(len(caption) * 7 % 256, 90, 90)))
    return await pub.publish_id(await pub.create_id(image_url=url, caption=caption, **params))


async def _post_story(pub: Publisher) -> str:
    url = pub.host(media_factory.jpeg(1080, 1920))
    return await pub.publish_id(await pub.create_id(media_type="STORIES", image_url=url))


class TestMediaNode:
    async def test_every_documented_field_reads(self, pub: Publisher) -> None:
        media_id = await _post_image(pub, alt_text="alt")
        body = (await pub.call("GET", media_id, fields=ALL_FIELDS)).json()
        assert body["owner"] == {"id": pub.ig.id}
        assert body["is_comment_enabled"] is True
        assert body["legacy_instagram_media_id"].startswith(body["ig_id"] + "_")
        assert "thumbnail_url" not in body
        assert "is_shared_to_feed" not in body
        assert body["comments_count"] == body["total_comments_count"] == 0

    async def test_default_fields_are_just_the_id(self, pub: Publisher) -> None:
        media_id = await _post_image(pub)
        assert (await pub.call("GET", media_id)).json() == {"id": media_id}

    async def test_unknown_field(self, pub: Publisher) -> None:
        media_id = await _post_image(pub)
        error = error_of(await pub.call("GET", media_id, fields="id,colour"))
        assert error["message"] == "(#100) Tried accessing nonexisting field (colour) on node type (IGMedia)"

    async def test_seeded_media_reads_the_same_way(self, pub: Publisher) -> None:
        reel = next(m for m in pub.sandbox.world.media.values() if m.media_product_type == "REELS")
        body = (
            await pub.call("GET", reel.id, fields="media_type,media_product_type,thumbnail_url,permalink")
        ).json()
        assert (body["media_type"], body["media_product_type"]) == ("VIDEO", "REELS")
        assert body["permalink"].endswith(f"/reel/{reel.shortcode}/")
        assert (await pub.client.get(body["permalink"])).status_code == 200

    async def test_comment_enabled_toggle(self, pub: Publisher) -> None:
        media_id = await _post_image(pub)
        assert (await pub.call("POST", media_id, comment_enabled="false")).json() == {"success": True}
        assert (await pub.call("GET", media_id, fields="is_comment_enabled")).json()[
            "is_comment_enabled"
        ] is False
        assert error_of(await pub.call("POST", media_id, caption="new"))["code"] == 100


class TestAccountEdges:
    async def test_media_is_newest_first_and_excludes_stories(self, pub: Publisher) -> None:
        story = await _post_story(pub)
        pub.sandbox.clock.advance(5)
        newest = await _post_image(pub, "newest")
        data = (await pub.call("GET", f"{pub.ig.id}/media")).json()["data"]
        assert data[0] == {"id": newest}
        assert story not in [item["id"] for item in data]

    async def test_media_pages_with_cursors(self, pub: Publisher) -> None:
        first = (await pub.call("GET", f"{pub.ig.id}/media", limit=2)).json()
        assert len(first["data"]) == 2
        assert "access_token=" in first["paging"]["next"]
        after = first["paging"]["cursors"]["after"]
        second = (await pub.call("GET", f"{pub.ig.id}/media", limit=2, after=after)).json()
        assert not {item["id"] for item in first["data"]} & {item["id"] for item in second["data"]}

    async def test_a_cursor_keeps_its_item_when_newer_media_are_published(self, pub: Publisher) -> None:
        first = (await pub.call("GET", f"{pub.ig.id}/media", limit=2)).json()
        whole = (await pub.call("GET", f"{pub.ig.id}/media", limit=4)).json()["data"]
        pub.sandbox.clock.advance(5)
        await _post_image(pub, "published between two page reads")
        after = first["paging"]["cursors"]["after"]
        second = (await pub.call("GET", f"{pub.ig.id}/media", limit=2, after=after)).json()
        assert second["data"] == whole[2:4]

    async def test_a_cursor_whose_item_is_gone_is_refused(self, pub: Publisher) -> None:
        first = (await pub.call("GET", f"{pub.ig.id}/media", limit=1)).json()
        del pub.sandbox.world.media[first["data"][0]["id"]]
        response = await pub.call("GET", f"{pub.ig.id}/media", after=first["paging"]["cursors"]["after"])
        assert error_of(response)["code"] == 100

    async def test_since_and_until(self, pub: Publisher) -> None:
        pub.sandbox.clock.advance(3600)
        since = pub.sandbox.clock.timestamp() - 1
        recent = await _post_image(pub, "recent")
        data = (await pub.call("GET", f"{pub.ig.id}/media", since=since)).json()["data"]
        assert data == [{"id": recent}]
        older = (await pub.call("GET", f"{pub.ig.id}/media", until=since)).json()["data"]
        assert recent not in [item["id"] for item in older]
        assert older

    async def test_stories_of_the_last_24_hours(self, pub: Publisher) -> None:
        story = await _post_story(pub)
        data = (await pub.call("GET", f"{pub.ig.id}/stories", fields="id,media_product_type")).json()["data"]
        assert data == [{"id": story, "media_product_type": "STORY"}]
        pub.sandbox.clock.advance(24 * 3600 + 1)
        assert (await pub.call("GET", f"{pub.ig.id}/stories")).json()["data"] == []

    async def test_inline_media_expansion_on_the_account(self, pub: Publisher) -> None:
        body = (await pub.call("GET", pub.ig.id, fields="media.limit(1){id,caption}")).json()
        assert len(body["media"]["data"]) == 1


class TestPermalinkPages:
    async def test_post_page_shows_the_media(self, pub: Publisher) -> None:
        media_id = await _post_image(pub, "Caption <b>escaped</b>")
        media = (await pub.call("GET", media_id, fields="permalink,media_url")).json()
        page = await pub.client.get(media["permalink"])
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert media["media_url"] in page.text
        assert "Caption &lt;b&gt;escaped&lt;/b&gt;" in page.text
        assert f"@{pub.ig.username}" in page.text

    async def test_unknown_shortcode_is_404(self, pub: Publisher) -> None:
        assert (await pub.client.get("/p/doesnotexist/")).status_code == 404


class TestAdminListings:
    async def test_published_lists_params_per_account(self, pub: Publisher) -> None:
        media_id = await _post_image(pub, "listed")
        accounts = (await pub.client.get("/_admin/published")).json()["accounts"]
        record = accounts[pub.ig.id][-1]
        assert record["media_id"] == media_id
        assert record["params"]["caption"] == "listed"
        assert "access_token" not in record["params"]
        other = next(ig for ig in pub.sandbox.world.ig_users if ig != pub.ig.id)
        assert (await pub.client.get("/_admin/published", params={"ig_user_id": other})).json() == {
            "accounts": {}
        }

    async def test_containers_show_their_status(self, pub: Publisher) -> None:
        container_id = await pub.create_id(image_url=pub.host(media_factory.jpeg()))
        data = (await pub.client.get("/_admin/containers", params={"ig_user_id": pub.ig.id})).json()["data"]
        assert data[0]["id"] == container_id
        assert (data[0]["kind"], data[0]["status_code"]) == ("IMAGE", "FINISHED")

    async def test_forced_outcome_errors_a_processing_video(self, pub: Publisher) -> None:
        video = pub.host(media_factory.mp4(), "video/mp4")
        container_id = await pub.create_id(media_type="REELS", video_url=video)
        forced = await pub.client.post(
            f"/_admin/containers/{container_id}/outcome",
            json={"status_code": "ERROR", "code": -1, "subcode": 2207082},
        )
        assert forced.status_code == 200
        body = await pub.wait(container_id)
        assert body["status"] == "Error: Media upload has failed with error code 2207082"
        missing = await pub.client.post("/_admin/containers/1/outcome", json={"status_code": "FINISHED"})
        assert missing.status_code == 404
