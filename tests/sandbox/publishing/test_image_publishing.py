"""Single-image containers: synchronous fetch and inspection, publish, and the errors Meta gives."""

from __future__ import annotations

import json

import pytest

from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import Publisher, error_of


class TestImageFlow:
    async def test_create_finish_publish_and_read_back(self, pub: Publisher) -> None:
        url = pub.host(media_factory.jpeg(1080, 1350))
        tags = json.dumps([{"username": "friend", "x": 0.5, "y": 0.25}])
        container_id = await pub.create_id(
            image_url=url,
            caption="Hello #sandbox @friend",
            alt_text="A red square",
            user_tags=tags,
            location_id="106078429431815",
            collaborators='["pal"]',
        )
        assert await pub.status(container_id) == {
            "id": container_id,
            "status_code": "FINISHED",
            "status": "Finished: Media has been uploaded and it is ready to be published.",
        }
        media_id = await pub.publish_id(container_id)
        media = (
            await pub.call(
                "GET",
                media_id,
                fields="caption,media_type,media_product_type,media_url,"
                "permalink,shortcode,alt_text,username,timestamp",
            )
        ).json()
        assert media["caption"] == "Hello #sandbox @friend"
        assert (media["media_type"], media["media_product_type"]) == ("IMAGE", "FEED")
        assert media["permalink"] == f"{pub.sandbox.config.base_url}/p/{media['shortcode']}/"
        assert media["alt_text"] == "A red square"
        assert media["username"] == pub.ig.username
        assert media["timestamp"].endswith("+0000")
        served = await pub.client.get(media["media_url"])
        assert served.status_code == 200
        assert served.content == media_factory.jpeg(1080, 1350)
        assert (await pub.status(container_id))["status_code"] == "PUBLISHED"

    async def test_publishing_twice_is_refused(self, pub: Publisher) -> None:
        container_id = await pub.create_id(image_url=pub.host(media_factory.jpeg()))
        await pub.publish_id(container_id)
        error = error_of(await pub.publish(container_id))
        assert error["code"] == 100
        assert "has already been published" in error["message"]

    async def test_image_processing_delay_keeps_it_in_progress(self, pub: Publisher) -> None:
        pub.sandbox.config.image_processing_seconds = 3600
        container_id = await pub.create_id(image_url=pub.host(media_factory.jpeg()))
        assert (await pub.status(container_id))["status_code"] == "IN_PROGRESS"
        error = error_of(await pub.publish(container_id))
        assert (error["code"], error["error_subcode"]) == (9007, 2207027)
        assert error["message"] == "Media ID is not available"
        assert error["error_user_msg"] == "The media is not ready for publishing, please wait for a moment"


class TestImageRejections:
    @pytest.mark.parametrize(
        ("data", "code", "subcode"),
        [
            (media_factory.png(), 36001, 2207005),
            (media_factory.webp(), 36001, 2207005),
            (media_factory.mpo(), 36001, 2207005),
            (media_factory.jpeg(1080, 1920), 36003, 2207009),
            (media_factory.jpeg(300, 300, size_padding=8 * 1024 * 1024), 36000, 2207004),
        ],
    )
    async def test_bad_images_fail_the_create_call(
        self, pub: Publisher, data: bytes, code: int, subcode: int
    ) -> None:
        response = await pub.create(image_url=pub.host(data, "application/octet-stream"))
        assert response.status_code == 400
        error = error_of(response)
        assert (error["code"], error["error_subcode"], error["type"]) == (code, subcode, "OAuthException")
        assert error["fbtrace_id"]

    async def test_unreachable_url_is_9004(self, pub: Publisher) -> None:
        missing = f"{pub.sandbox.config.base_url}/cdn/nothing-here.jpg"
        error = error_of(await pub.create(image_url=missing))
        assert (error["code"], error["error_subcode"]) == (9004, 2207052)
        assert missing in error["error_user_msg"]

    async def test_non_ascii_url_is_9004(self, pub: Publisher) -> None:
        error = error_of(await pub.create(image_url="https://example.com/ünïcode.jpg"))
        assert error["error_subcode"] == 2207052

    async def test_a_refused_image_leaves_no_container(self, pub: Publisher) -> None:
        before = len(pub.sandbox.world.containers)
        await pub.create(image_url=pub.host(media_factory.png()))
        assert len(pub.sandbox.world.containers) == before

    async def test_unknown_parameter(self, pub: Publisher) -> None:
        error = error_of(await pub.create(image_url=pub.host(media_factory.jpeg()), colour="red"))
        assert error["code"] == 100
        assert "colour" in error["message"]

    async def test_unknown_location(self, pub: Publisher) -> None:
        error = error_of(await pub.create(image_url=pub.host(media_factory.jpeg()), location_id="123"))
        assert error["message"] == "INSTAGRAM_PLATFORM_API__INVALID_LOCATION_ID"

    async def test_caption_limits(self, pub: Publisher) -> None:
        url = pub.host(media_factory.jpeg())
        error = error_of(await pub.create(image_url=url, caption="#a " * 31))
        assert (error["code"], error["error_subcode"]) == (36004, 2207010)
        error = error_of(await pub.create(image_url=url, caption="@a " * 21))
        assert (error["code"], error["error_subcode"]) == (100, 2207040)

    async def test_standalone_video_media_type(self, pub: Publisher) -> None:
        response = await pub.create(media_type="VIDEO", video_url=pub.host(media_factory.mp4(), "video/mp4"))
        assert error_of(response)["error_subcode"] == 2207023


class TestPermissions:
    async def test_missing_content_publish_permission(self, pub: Publisher) -> None:
        scopes = ["instagram_basic", "pages_show_list", "pages_read_engagement"]
        reader = await pub.with_scopes(scopes)
        response = await reader.create(image_url=pub.host(media_factory.jpeg()))
        error = error_of(response)
        assert error["code"] == 200
        assert error["message"] == "(#200) Requires instagram_content_publish permission"

    async def test_the_classic_names_are_enough(self, pub: Publisher) -> None:
        scopes = ["instagram_basic", "instagram_content_publish", "pages_read_engagement"]
        publisher = await pub.with_scopes(scopes)
        assert (await publisher.create(image_url=pub.host(media_factory.jpeg()))).status_code == 200

    async def test_page_token_works_too(self, pub: Publisher) -> None:
        from graph_sandbox.auth import page_token_for

        user_token = pub.sandbox.world.tokens[pub.token]
        page = pub.sandbox.world.pages[pub.ig.page_id]
        pub.token = page_token_for(pub.sandbox, user_token, page).value
        container_id = await pub.create_id(image_url=pub.host(media_factory.jpeg()))
        assert await pub.publish_id(container_id)
