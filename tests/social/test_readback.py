"""Every media type with every option, published, then read back from the sandbox.

Each published media is read the way a client of Meta would: `GET /{media-id}` (type, product type,
caption, permalink, children in order) and `GET /{media-id}/comments` with the account's own Page token;
the options Graph does not expose on a media node (location, collaborators, user tags, trial) are read
from `/_admin/published`, i.e. exactly what the container was created with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.db import unit_of_work
from tests.fixtures.media_factory import jpeg, mp4
from tests.social.publish_helpers import Publisher, until_done

GRAPH = "/sandbox/graph/v24.0"
MEDIA_FIELDS = (
    "id,media_type,media_product_type,permalink,caption,alt_text,is_shared_to_feed,thumbnail_url,"
    "media_url,children{id,media_type,media_product_type,media_url}"
)
LOCATION = "106078429431815"


@dataclass
class ReadBack:
    """One published media as the sandbox shows it."""

    media: dict[str, Any]
    comments: list[dict[str, Any]]
    record: dict[str, Any]

    @property
    def params(self) -> dict[str, Any]:
        """The parameters of the (parent) container, as `/_admin/published` lists them."""
        params: dict[str, Any] = self.record["params"]
        return params

    def json_param(self, name: str) -> Any:
        return json.loads(self.params[name])

    @property
    def children_types(self) -> list[str]:
        return [child["media_type"] for child in self.media["children"]["data"]]


async def page_token(publisher: Publisher) -> str:
    """The connected account's Page token, as the app stores it."""
    resources = publisher.app.state.resources
    async with unit_of_work(resources.session_factory) as session:
        account = await session.get(Account, publisher.account["id"])
        assert account is not None
        return accounts.page_token(account, cipher=resources.cipher)


async def graph_get(publisher: Publisher, path: str, **params: str) -> dict[str, Any]:
    """A Graph read on the sandbox with the account's token."""
    params["access_token"] = await page_token(publisher)
    response = await publisher.client.get(f"{GRAPH}/{path}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def read_back(publisher: Publisher, post: dict[str, Any]) -> ReadBack:
    """The post's media through Graph reads, its comments, and its `/_admin/published` record."""
    assert post["status"] == "published", post
    media_id = post["platform_post_id"]
    media = await graph_get(publisher, media_id, fields=MEDIA_FIELDS)
    comments = await graph_get(publisher, f"{media_id}/comments", fields="id,text")
    [record] = [item for item in await publisher.published() if item["media_id"] == media_id]
    assert media["id"] == media_id
    assert media["permalink"] == post["platform_url"] == record["permalink"]
    return ReadBack(media=media, comments=comments["data"], record=record)


async def cdn_bytes(publisher: Publisher, url: str) -> bytes:
    response = await publisher.client.get(url)
    assert response.status_code == 200, url
    return response.content


async def publish_and_read(publisher: Publisher, **post: Any) -> tuple[dict[str, Any], ReadBack]:
    created = await publisher.create(**post)
    assert created.status_code == 201, created.text
    await publisher.publish(created.json()["id"])
    done = await until_done(publisher, created.json()["id"])
    return done, await read_back(publisher, done)


def assert_first_comment(read: ReadBack, post: dict[str, Any], text: str) -> None:
    assert [(c["id"], c["text"]) for c in read.comments] == [(post["first_comment_id"], text)]


class TestImage:
    async def test_an_image_with_every_option_reads_back_as_a_feed_image(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1350), "photo.jpg")

        done, read = await publish_and_read(
            publisher,
            media_type="IMAGE",
            clip_id=clip_id,
            caption="Hello from the sandbox",
            hashtags=["clipper", "#test"],
            options={
                "alt_text": "A green square",
                "user_tags": [{"username": "friend", "x": 0.5, "y": 0.25}],
                "location_id": LOCATION,
                "collaborators": ["pal"],
                "first_comment": "First!",
            },
        )

        assert (read.media["media_type"], read.media["media_product_type"]) == ("IMAGE", "FEED")
        assert read.media["caption"] == "Hello from the sandbox\n\n#clipper #test"
        assert read.media["alt_text"] == "A green square"
        assert read.json_param("user_tags") == [{"username": "friend", "x": 0.5, "y": 0.25}]
        assert read.params["location_id"] == LOCATION
        assert read.json_param("collaborators") == ["pal"]
        assert_first_comment(read, done, "First!")
        assert [item["media_id"] for item in await publisher.published()] == [done["platform_post_id"]]
        assert [entry["event"] for entry in done["timeline"]][-1] == "published"


class TestReel:
    async def test_a_reel_with_every_option_reads_back_as_a_reel(self, publisher: Publisher) -> None:
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        cover_bytes = jpeg(1080, 1920, color=(200, 30, 30))
        cover = await publisher.clip(cover_bytes, "cover.jpg")

        done, read = await publish_and_read(
            publisher,
            media_type="REELS",
            clip_id=video,
            caption="A reel",
            options={
                "share_to_feed": False,
                "cover_clip_id": cover,
                "collaborators": ["pal", "buddy"],
                "user_tags": [{"username": "friend"}],
                "location_id": LOCATION,
                "trial_graduation": "MANUAL",
                "first_comment": "Reel comment",
            },
        )

        assert (read.media["media_type"], read.media["media_product_type"]) == ("VIDEO", "REELS")
        assert read.media["caption"] == "A reel"
        assert read.media["is_shared_to_feed"] is False
        assert read.params["share_to_feed"] == "false"
        # The reel's thumbnail is the cover we sent, byte for byte.
        assert await cdn_bytes(publisher, read.media["thumbnail_url"]) == cover_bytes
        assert read.json_param("collaborators") == ["pal", "buddy"]
        assert read.json_param("user_tags") == [{"username": "friend"}]
        assert read.params["location_id"] == LOCATION
        assert read.json_param("trial_params") == {"graduation_strategy": "MANUAL"}
        assert_first_comment(read, done, "Reel comment")


class TestCarousel:
    async def test_a_mixed_carousel_of_ten_keeps_its_order(self, publisher: Publisher) -> None:
        files = [jpeg(1080, 1080, color=(i * 25, 80, 80)) for i in range(9)]
        files.insert(3, mp4(160, 160, seconds=3.0))
        names = [f"item{i}.{'mp4' if i == 3 else 'jpg'}" for i in range(10)]
        clips = [await publisher.clip(data, name) for data, name in zip(files, names, strict=True)]

        done, read = await publish_and_read(publisher, media_type="CAROUSEL", clip_ids=clips, caption="Ten")

        assert (read.media["media_type"], read.media["media_product_type"]) == ("CAROUSEL_ALBUM", "FEED")
        assert read.media["caption"] == "Ten"
        assert read.children_types == ["IMAGE"] * 3 + ["VIDEO"] + ["IMAGE"] * 6
        assert {child["media_product_type"] for child in read.media["children"]["data"]} == {"FEED"}
        assert len(done["container_ids"]) == 11
        # Each child holds the file placed at its position (the images differ by colour).
        children = read.media["children"]["data"]
        for position in (0, 1, 2, 4, 9):
            assert await cdn_bytes(publisher, children[position]["media_url"]) == files[position]

    async def test_a_carousel_with_location_collaborators_and_a_first_comment(
        self, publisher: Publisher
    ) -> None:
        clips = [
            await publisher.clip(jpeg(1080, 1080, color=(30, 30, 200)), "a.jpg"),
            await publisher.clip(mp4(160, 160, seconds=3.0), "b.mp4"),
        ]

        done, read = await publish_and_read(
            publisher,
            media_type="CAROUSEL",
            clip_ids=clips,
            caption="Together",
            options={"location_id": LOCATION, "collaborators": ["pal"], "first_comment": "Album comment"},
        )

        assert read.children_types == ["IMAGE", "VIDEO"]
        assert read.params["location_id"] == LOCATION
        assert read.json_param("collaborators") == ["pal"]
        assert_first_comment(read, done, "Album comment")


class TestStories:
    async def test_image_and_video_stories_with_user_tags_read_back_as_stories(
        self, publisher: Publisher
    ) -> None:
        image = await publisher.clip(jpeg(1080, 1920), "story.jpg")
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "story.mp4")

        image_post, image_read = await publish_and_read(
            publisher,
            media_type="STORIES",
            clip_id=image,
            options={"user_tags": [{"username": "friend", "x": 0.3, "y": 0.6}]},
        )
        video_post, video_read = await publish_and_read(
            publisher, media_type="STORIES", clip_id=video, options={"user_tags": [{"username": "pal"}]}
        )

        assert (image_read.media["media_type"], image_read.media["media_product_type"]) == ("IMAGE", "STORY")
        assert (video_read.media["media_type"], video_read.media["media_product_type"]) == ("VIDEO", "STORY")
        assert image_read.json_param("user_tags") == [{"username": "friend", "x": 0.3, "y": 0.6}]
        assert video_read.json_param("user_tags") == [{"username": "pal"}]
        ig = publisher.account["platform_account_id"]
        stories = await graph_get(publisher, f"{ig}/stories", fields="id")
        listed = {item["id"] for item in stories["data"]}
        assert listed == {image_post["platform_post_id"], video_post["platform_post_id"]}
