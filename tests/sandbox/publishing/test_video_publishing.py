"""Reels, stories and carousels: background video processing, ERROR statuses, and what gets published."""

from __future__ import annotations

import json

from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import Publisher, error_of


def _video(pub: Publisher, **kwargs: object) -> str:
    return pub.host(media_factory.mp4(**kwargs), "video/mp4")  # type: ignore[arg-type]


class TestReels:
    async def test_reel_with_every_option(self, pub: Publisher) -> None:
        cover = pub.host(media_factory.jpeg(360, 640, color=(1, 200, 1)))
        params = {
            "media_type": "REELS",
            "video_url": _video(pub, seconds=3),
            "caption": "Reel #one",
            "share_to_feed": "false",
            "cover_url": cover,
            "thumb_offset": "1000",
            "audio_name": "Original sound",
            "trial_params": json.dumps({"graduation_strategy": "MANUAL"}),
            "collaborators": json.dumps(["pal.one", "pal.two"]),
            "user_tags": json.dumps([{"username": "pal.one"}]),
            "location_id": "110774245616525",
            "is_ai_generated": "true",
        }
        container_id = await pub.create_id(**params)
        assert (await pub.status(container_id))["status_code"] == "IN_PROGRESS"
        early = error_of(await pub.publish(container_id))
        assert (early["code"], early["error_subcode"]) == (9007, 2207027)
        assert (await pub.wait(container_id))["status_code"] == "FINISHED"
        media_id = await pub.publish_id(container_id)
        fields = "media_type,media_product_type,permalink,shortcode,is_shared_to_feed,thumbnail_url,media_url"
        media = (await pub.call("GET", media_id, fields=fields)).json()
        assert (media["media_type"], media["media_product_type"]) == ("VIDEO", "REELS")
        assert media["permalink"].endswith(f"/reel/{media['shortcode']}/")
        assert media["is_shared_to_feed"] is False
        thumbnail = await pub.client.get(media["thumbnail_url"])
        assert thumbnail.content == pub.sandbox.cdn.get_by_url(cover).data  # type: ignore[union-attr]
        published = (await pub.client.get("/_admin/published")).json()["accounts"][pub.ig.id]
        assert published[-1]["params"] == params

    async def test_bad_codec_ends_in_error_with_the_subcode(self, pub: Publisher) -> None:
        container_id = await pub.create_id(media_type="REELS", video_url=_video(pub, codec="mpeg4"))
        body = await pub.wait(container_id)
        assert body["status_code"] == "ERROR"
        assert body["status"] == "Error: Media upload has failed with error code 2207026"
        error = error_of(await pub.publish(container_id))
        assert error["error_subcode"] == 2207026

    async def test_unreachable_video_errors_later(self, pub: Publisher) -> None:
        response = await pub.create(
            media_type="REELS", video_url=f"{pub.sandbox.config.base_url}/cdn/gone.mp4"
        )
        assert response.status_code == 200
        body = await pub.wait(response.json()["id"])
        assert body["status"] == "Error: Media upload has failed with error code 2207052"

    async def test_too_short_video_is_rejected_in_processing(self, pub: Publisher) -> None:
        container_id = await pub.create_id(media_type="REELS", video_url=_video(pub, seconds=1, audio=False))
        assert (await pub.wait(container_id))["status"].endswith("2207076")

    async def test_thumb_offset_past_the_end(self, pub: Publisher) -> None:
        container_id = await pub.create_id(media_type="REELS", video_url=_video(pub), thumb_offset=60_000)
        assert (await pub.wait(container_id))["status"].endswith("2207057")

    async def test_cover_must_be_a_jpeg(self, pub: Publisher) -> None:
        response = await pub.create(
            media_type="REELS", video_url=_video(pub), cover_url=pub.host(media_factory.png())
        )
        assert error_of(response)["error_subcode"] == 2207005

    async def test_trial_reels_need_an_eligible_account(self, pub: Publisher) -> None:
        pub.ig.trial_reels_eligible = False
        response = await pub.create(
            media_type="REELS", video_url=_video(pub), trial_params='{"graduation_strategy":"SS_PERFORMANCE"}'
        )
        assert error_of(response)["error_subcode"] == 2207081

    async def test_copyright_check_status(self, pub: Publisher) -> None:
        container_id = await pub.create_id(media_type="REELS", video_url=_video(pub))
        await pub.wait(container_id)
        body = (await pub.call("GET", container_id, fields="copyright_check_status")).json()
        assert body["copyright_check_status"] == {"matches_found": False, "status": "completed"}


class TestStories:
    async def test_image_story(self, pub: Publisher) -> None:
        url = pub.host(media_factory.jpeg(1080, 1920))
        tags = json.dumps([{"username": "pal"}])
        media_id = await pub.publish_id(
            await pub.create_id(media_type="STORIES", image_url=url, user_tags=tags)
        )
        media = (
            await pub.call("GET", media_id, fields="media_type,media_product_type,permalink,ig_id")
        ).json()
        assert (media["media_type"], media["media_product_type"]) == ("IMAGE", "STORY")
        assert (
            media["permalink"] == f"{pub.sandbox.config.base_url}/stories/{pub.ig.username}/{media['ig_id']}"
        )
        assert (await pub.client.get(media["permalink"])).status_code == 200

    async def test_video_story(self, pub: Publisher) -> None:
        container_id = await pub.create_id(media_type="STORIES", video_url=_video(pub, seconds=4))
        assert (await pub.wait(container_id))["status_code"] == "FINISHED"
        media = (
            await pub.call("GET", await pub.publish_id(container_id), fields="media_type,media_product_type")
        ).json()
        assert (media["media_type"], media["media_product_type"]) == ("VIDEO", "STORY")

    async def test_story_video_over_60_seconds(self, pub: Publisher) -> None:
        url = _video(pub, width=36, height=64, seconds=61, audio=False)
        container_id = await pub.create_id(media_type="STORIES", video_url=url)
        assert (await pub.wait(container_id))["status_code"] == "ERROR"

    async def test_stories_refuse_collaborators(self, pub: Publisher) -> None:
        url = pub.host(media_factory.jpeg(1080, 1920))
        response = await pub.create(media_type="STORIES", image_url=url, collaborators='["pal"]')
        assert error_of(response)["code"] == 100


class TestCarousels:
    async def test_ten_mixed_children(self, pub: Publisher) -> None:
        children = []
        for index in range(10):
            if index % 3 == 2:
                url = _video(pub, width=160, height=90, color=(index, 0, 0))
                children.append(
                    await pub.create_id(media_type="VIDEO", video_url=url, is_carousel_item="true")
                )
            else:
                url = pub.host(media_factory.jpeg(800, 800, color=(index * 20, 10, 10)))
                children.append(
                    await pub.create_id(image_url=url, is_carousel_item="true", alt_text=f"#{index}")
                )
        parent = await pub.create_id(media_type="CAROUSEL", children=",".join(children), caption="Ten")
        for child in children:
            assert (await pub.wait(child))["status_code"] == "FINISHED"
        media_id = await pub.publish_id(parent)
        fields = "media_type,caption,children{id,media_type,media_url,permalink,shortcode,timestamp}"
        album = (await pub.call("GET", media_id, fields=fields)).json()
        assert (album["media_type"], album["caption"]) == ("CAROUSEL_ALBUM", "Ten")
        kinds = [child["media_type"] for child in album["children"]["data"]]
        assert kinds == ["IMAGE", "IMAGE", "VIDEO"] * 3 + ["IMAGE"]
        listed = (await pub.call("GET", f"{media_id}/children", fields="id,media_type")).json()["data"]
        assert [child["id"] for child in listed] == [child["id"] for child in album["children"]["data"]]
        for child in children:
            assert (await pub.status(child))["status_code"] == "PUBLISHED"
        record = (await pub.client.get("/_admin/published")).json()["accounts"][pub.ig.id][-1]
        assert len(record["children"]) == 10
        assert record["children"][0]["params"]["alt_text"] == "#0"

    async def test_children_must_finish_before_the_parent_publishes(self, pub: Publisher) -> None:
        image = await pub.create_id(image_url=pub.host(media_factory.jpeg()), is_carousel_item="true")
        video = await pub.create_id(
            media_type="VIDEO", video_url=_video(pub, width=160, height=90), is_carousel_item="true"
        )
        parent = await pub.create_id(media_type="CAROUSEL", children=json.dumps([image, video]))
        error = error_of(await pub.publish(parent))
        assert error["error_subcode"] == 2207027
        await pub.wait(video)
        assert await pub.publish_id(parent)

    async def test_child_count_must_be_2_to_10(self, pub: Publisher) -> None:
        child = await pub.create_id(image_url=pub.host(media_factory.jpeg()), is_carousel_item="true")
        error = error_of(await pub.create(media_type="CAROUSEL", children=child))
        assert (error["code"], error["error_subcode"]) == (100, 2207028)
        eleven = ",".join([child] * 11)
        assert error_of(await pub.create(media_type="CAROUSEL", children=eleven))["error_subcode"] == 2207028

    async def test_children_take_no_caption_and_cannot_be_published_alone(self, pub: Publisher) -> None:
        url = pub.host(media_factory.jpeg())
        assert error_of(await pub.create(image_url=url, is_carousel_item="true", caption="x"))["code"] == 100
        child = await pub.create_id(image_url=url, is_carousel_item="true")
        assert error_of(await pub.publish(child))["code"] == 100

    async def test_reels_cannot_be_children(self, pub: Publisher) -> None:
        response = await pub.create(media_type="REELS", video_url=_video(pub), is_carousel_item="true")
        assert error_of(response)["error_subcode"] == 2207023
