"""Every publishing path of the client against the sandbox: images, carousels, stories, uploads, quota."""

from __future__ import annotations

import asyncio
import json

import pytest

from clipper.instagram import MediaNotReadyError, MediaValidationError, UploadFailedError
from clipper.instagram.batch import BatchRequest
from tests.fixtures import media_factory


async def finished(graph, container_id):
    status = await graph.check_container_status(container_id)
    while status.status_code == "IN_PROGRESS":
        await asyncio.sleep(0.05)
        status = await graph.check_container_status(container_id)
    return status


@pytest.fixture
def host(sandbox):
    def put(data, content_type="image/jpeg"):
        return sandbox.cdn.put(data, content_type)

    return put


class TestImages:
    async def test_image_with_options(self, graph, tokens, host):
        ig = tokens.creator_ig
        container = await graph.create_image_container(
            ig,
            host(media_factory.jpeg(1080, 1080)),
            "A photo #one",
            alt_text="a green square",
            user_tags=[{"username": "pal.one", "x": 0.5, "y": 0.5}],
            collaborators=["pal.two"],
            location_id="110774245616525",
        )
        assert (await finished(graph, container)).status_code == "FINISHED"
        media = await graph.get_media_details(await graph.publish_container(ig, container))
        assert (media.media_type, media.media_product_type) == ("IMAGE", "FEED")
        assert media.permalink.endswith(f"/p/{media.shortcode}/")
        assert (await graph.check_container_status(container)).status_code == "PUBLISHED"

    async def test_a_png_is_refused_synchronously(self, graph, tokens, host):
        with pytest.raises(MediaValidationError) as raised:
            await graph.create_image_container(tokens.creator_ig, host(media_factory.png(), "image/png"))
        assert (raised.value.code, raised.value.subcode) == (36001, 2207005)
        assert "JPEG" in raised.value.user_message

    async def test_carousel_of_image_and_video(self, graph, tokens, host):
        ig = tokens.creator_ig
        image = await graph.create_image_container(ig, host(media_factory.jpeg()), is_carousel_item=True)
        video = await graph.create_video_container(
            ig,
            host(media_factory.mp4(160, 160, seconds=3), "video/mp4"),
            media_type="VIDEO",
            thumb_offset=500,
        )
        await finished(graph, video)
        parent = await graph.create_carousel_container(ig, [image, video], "Album", collaborators=["pal.one"])
        await finished(graph, parent)
        media = await graph.get_media_details(await graph.publish_container(ig, parent))
        assert media.media_type == "CAROUSEL_ALBUM"
        assert [c.media_type for c in media.children.data] == ["IMAGE", "VIDEO"]

    async def test_publishing_too_early_is_not_ready(self, graph, tokens, host):
        container = await graph.create_video_container(
            tokens.creator_ig, host(media_factory.mp4(), "video/mp4")
        )
        with pytest.raises(MediaNotReadyError) as raised:
            await graph.publish_container(tokens.creator_ig, container)
        assert raised.value.retryable is True
        await finished(graph, container)

    async def test_a_bad_video_ends_in_error_with_its_subcode(self, graph, tokens, host):
        video = host(media_factory.mp4(codec="mpeg4"), "video/mp4")
        status = await finished(graph, await graph.create_video_container(tokens.creator_ig, video))
        assert status.status_code == "ERROR"
        assert status.error_subcode == 2207026


class TestReels:
    async def test_reel_with_every_reel_option_round_trips(self, graph, tokens, host, sandbox_client):
        ig = tokens.creator_ig
        cover = host(media_factory.jpeg(360, 640, color=(1, 200, 1)))
        container = await graph.create_video_container(
            ig,
            host(media_factory.mp4(seconds=3), "video/mp4"),
            "Reel #one",
            share_to_feed=False,
            cover_url=cover,
            thumb_offset=1000,
            audio_name="Original sound",
            trial_params={"graduation_strategy": "MANUAL"},
            collaborators=["pal.one"],
        )
        await finished(graph, container)
        media = await graph.get_media_details(await graph.publish_container(ig, container))
        assert (media.media_type, media.media_product_type) == ("VIDEO", "REELS")
        assert media.permalink.endswith(f"/reel/{media.shortcode}/")
        assert (await sandbox_client.get(media.thumbnail_url)).content == (
            await sandbox_client.get(cover)
        ).content
        shared = await graph.get_object(media.id, fields="is_shared_to_feed")
        assert shared["is_shared_to_feed"] is False
        published = (await sandbox_client.get("/_admin/published")).json()["accounts"][ig][-1]
        sent = published["params"]
        assert (sent["share_to_feed"], sent["thumb_offset"], sent["audio_name"]) == (
            "false",
            "1000",
            "Original sound",
        )
        assert json.loads(sent["trial_params"]) == {"graduation_strategy": "MANUAL"}
        assert json.loads(sent["collaborators"]) == ["pal.one"]
        assert sent["cover_url"] == cover


class TestStories:
    async def test_image_and_video_stories(self, graph, tokens, host):
        ig = tokens.creator_ig
        image = await graph.create_story_container(ig, image_url=host(media_factory.jpeg(1080, 1920)))
        video = await graph.create_video_container(
            ig, host(media_factory.mp4(seconds=3), "video/mp4"), media_type="STORIES"
        )
        for container in (image, video):
            await finished(graph, container)
            media = await graph.get_media_details(await graph.publish_container(ig, container))
            assert media.media_product_type == "STORY"


class TestResumableUpload:
    async def test_upload_bytes_then_publish(self, graph, tokens):
        ig = tokens.creator_ig
        container = await graph.create_video_container(ig, caption="Uploaded", upload_type="resumable")
        assert await graph.get_upload_offset(container) == 0
        result = await graph.upload_video(container, media_factory.mp4(seconds=3))
        assert result.success
        assert (await finished(graph, container)).status_code == "FINISHED"
        media = await graph.get_media_details(await graph.publish_container(ig, container))
        assert media.caption == "Uploaded"

    async def test_upload_a_file_as_a_story(self, graph, tokens, tmp_path):
        path = tmp_path / "story.mp4"
        path.write_bytes(media_factory.mp4(seconds=3))
        container = await graph.create_story_container(tokens.creator_ig, upload_type="resumable")
        assert (await graph.upload_video(container, path)).success
        assert (await finished(graph, container)).status_code == "FINISHED"

    async def test_upload_from_a_hosted_url(self, graph, tokens, host):
        container = await graph.create_video_container(tokens.creator_ig, upload_type="resumable")
        url = host(media_factory.mp4(seconds=3), "video/mp4")
        assert (await graph.upload_video_from_url(container, url)).success
        assert (await finished(graph, container)).status_code == "FINISHED"


class TestUploadFailures:
    async def test_a_second_upload_is_refused_and_not_retried(self, graph, tokens, sleeps):
        container = await graph.create_video_container(tokens.creator_ig, upload_type="resumable")
        video = media_factory.mp4(seconds=3)
        await graph.upload_video(container, video)
        with pytest.raises(UploadFailedError) as raised:
            await graph.upload_video(container, video)
        assert (raised.value.http_status, raised.value.retryable) == (400, False)
        assert raised.value.error_type == "ProcessingFailedError"
        assert sleeps == []

    async def test_a_token_rupload_does_not_accept_is_refused(self, graph, tokens, sleeps):
        container = await graph.create_video_container(tokens.creator_ig, upload_type="resumable")
        stranger = graph.with_token("EAAGnot-a-sandbox-token-0123456789")
        with pytest.raises(UploadFailedError) as raised:
            await stranger.upload_video(container, media_factory.mp4(seconds=3))
        assert (raised.value.http_status, raised.value.retryable) == (401, False)
        assert "not-a-sandbox-token" not in str(raised.value)
        assert await graph.get_upload_offset(container) == 0
        assert sleeps == []

    async def test_an_offset_mismatch_is_retriable_and_resumed_from_the_server_offset(
        self, graph, tokens, sandbox_client, sleeps
    ):
        container = await graph.create_video_container(tokens.creator_ig, upload_type="resumable")
        video = media_factory.mp4(seconds=3)
        half = len(video) // 2
        partial = await sandbox_client.post(
            graph.rupload_uri(container),
            content=video[:half],
            headers={"Authorization": f"OAuth {tokens.user}", "offset": "0", "file_size": str(len(video))},
        )
        assert partial.json()["success"] is True
        impatient = graph.with_token(tokens.user)
        impatient.max_retries = 0
        with pytest.raises(UploadFailedError) as raised:
            await impatient.upload_video(container, video)
        assert raised.value.retryable is True  # rupload's debug_info.retriable
        assert (await graph.upload_video(container, video)).success is True
        assert len(sleeps) == 1
        assert await graph.get_upload_offset(container) == len(video)
        assert (await finished(graph, container)).status_code == "FINISHED"


class TestQuotaAndReads:
    async def test_publishing_limit_counts_posts(self, graph, tokens, host, sandbox):
        before = await graph.get_content_publishing_limit(tokens.creator_ig)
        assert before.config.quota_total == sandbox.config.publish_quota
        container = await graph.create_image_container(tokens.creator_ig, host(media_factory.jpeg()))
        await finished(graph, container)
        await graph.publish_container(tokens.creator_ig, container)
        after = await graph.get_content_publishing_limit(tokens.creator_ig)
        assert after.quota_usage == before.quota_usage + 1

    async def test_multi_id_status_and_batch(self, graph, tokens, host):
        ids = [
            await graph.create_image_container(tokens.creator_ig, host(media_factory.jpeg()))
            for _ in range(2)
        ]
        found = await graph.get_objects(ids, fields="id,status_code")
        assert set(found) == set(ids)
        results = await graph.batch(
            [BatchRequest(f"{i}?fields=id,status_code") for i in ids]
            + [BatchRequest(f"{tokens.creator_ig}?fields=id,username"), BatchRequest("999999?fields=id")]
        )
        assert [r.body["id"] for r in results[:3]] == [*ids, tokens.creator_ig]
        assert results[3].error is not None
        assert results[3].error.code == 100

    async def test_user_media_pages_through_everything(self, graph, tokens):
        everything = await graph.get_user_media(tokens.creator_ig, limit=2)
        pages = [p async for p in graph.iterate_pages(f"{tokens.creator_ig}/media", {"limit": 2})]
        assert len(pages) >= 2
        assert [m.id for m in everything] == [item["id"] for p in pages for item in p["data"]]
