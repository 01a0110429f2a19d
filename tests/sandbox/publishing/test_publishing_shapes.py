"""The sandbox's publishing answers have the shapes of the recorded real responses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fixtures import media_factory
from tests.fixtures.paths import GRAPH_FIXTURES
from tests.sandbox.publishing.pub_session import Publisher
from tests.sandbox.shapes import assert_same_shape

FIXTURES = GRAPH_FIXTURES / "instagram" / "apidata"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
async def album(pub: Publisher) -> str:
    """A published carousel of two images and a video."""
    video = pub.host(media_factory.mp4(160, 90), "video/mp4")
    children = [
        await pub.create_id(image_url=pub.host(media_factory.jpeg(color=(9, 9, 9))), is_carousel_item="true"),
        await pub.create_id(
            image_url=pub.host(media_factory.jpeg(color=(9, 9, 90))), is_carousel_item="true"
        ),
        await pub.create_id(media_type="VIDEO", video_url=video, is_carousel_item="true"),
    ]
    for child in children:
        await pub.wait(child)
    parent = await pub.create_id(media_type="CAROUSEL", children=",".join(children), caption="A")
    return await pub.publish_id(parent)


async def _story(pub: Publisher, caption: str | None = None) -> str:
    params = {"media_type": "STORIES", "image_url": pub.host(media_factory.jpeg(1080, 1920))}
    if caption is not None:
        params["caption"] = caption
    return await pub.publish_id(await pub.create_id(**params))


def _keys(name: str, *, item: bool = False) -> str:
    recorded = fixture(name)
    sample = recorded["data"][0] if item else recorded
    return ",".join(key for key in sample if key != "children")


class TestContainerShapes:
    async def test_create_and_publish(self, pub: Publisher) -> None:
        created = await pub.create(image_url=pub.host(media_factory.jpeg()))
        assert_same_shape(fixture("publish/create_photo.json"), created.json())
        video = await pub.create(media_type="REELS", video_url=pub.host(media_factory.mp4(), "video/mp4"))
        assert_same_shape(fixture("publish/create_video.json"), video.json())
        published = await pub.publish(created.json()["id"])
        assert_same_shape(fixture("publish/publish_container.json"), published.json())

    async def test_container_status(self, pub: Publisher) -> None:
        first = await pub.create_id(image_url=pub.host(media_factory.jpeg()))
        second = await pub.create_id(image_url=pub.host(media_factory.jpeg(color=(1, 2, 3))))
        assert_same_shape(fixture("publish/container_info.json"), await pub.status(first))
        many = await pub.client.get(
            "/graph/v24.0/",
            params={"ids": f"{first},{second}", "fields": "id,status,status_code", "access_token": pub.token},
        )
        recorded = fixture("publish/containers_info.json")
        assert_same_shape(next(iter(recorded.values())), many.json()[first])
        assert set(many.json()) == {first, second}

    @pytest.mark.parametrize("name", ["publish/publish_limit_resp.json", "users/content_publish_limit.json"])
    async def test_publishing_limit(self, pub: Publisher, name: str) -> None:
        response = await pub.call("GET", f"{pub.ig.id}/content_publishing_limit", fields="quota_usage,config")
        assert_same_shape(fixture(name), response.json())


class TestMediaShapes:
    async def test_album_node(self, pub: Publisher, album: str) -> None:
        fields = (
            _keys("medias/media_default.json")
            + ",children{id,media_type,media_url,permalink,shortcode,timestamp}"
        )
        body = (await pub.call("GET", album, fields=fields)).json()
        assert_same_shape(fixture("medias/media_default.json"), body)

    async def test_children_edge(self, pub: Publisher, album: str) -> None:
        body = (
            await pub.call("GET", f"{album}/children", fields=_keys("medias/children.json", item=True))
        ).json()
        assert_same_shape(fixture("medias/children.json"), body)

    async def test_multi_id_media(self, pub: Publisher, album: str) -> None:
        image = await pub.publish_id(
            await pub.create_id(image_url=pub.host(media_factory.jpeg()), caption="B")
        )
        recorded = fixture("medias/medias_fields.json")
        single, carousel = recorded["17893085207160254"], recorded["17896129349106152"]
        fields = ",".join(single) + ",children{id,media_type,media_url,permalink,shortcode,timestamp}"
        params = {"ids": f"{image},{album}", "fields": fields, "access_token": pub.token}
        body = (await pub.client.get("/graph/v24.0/", params=params)).json()
        assert_same_shape(carousel, body[album])
        assert_same_shape(single, body[image])

    async def test_account_media_page(self, pub: Publisher) -> None:
        fields = _keys("users/medias_p1.json", item=True)
        body = (await pub.call("GET", f"{pub.ig.id}/media", fields=fields, limit=2)).json()
        assert_same_shape(fixture("users/medias_p1.json"), body)


class TestStoryShapes:
    async def test_story_node(self, pub: Publisher) -> None:
        story = await _story(pub, caption="Nice")
        body = (await pub.call("GET", story, fields=_keys("stories/story_info.json"))).json()
        assert_same_shape(fixture("stories/story_info.json"), body)

    async def test_stories_edge(self, pub: Publisher) -> None:
        await _story(pub)
        await _story(pub)
        body = (
            await pub.call(
                "GET", f"{pub.ig.id}/stories", fields=_keys("stories/stories_default.json", item=True)
            )
        ).json()
        assert_same_shape(fixture("stories/stories_default.json"), body, ignore=("$.paging",))
        first = (
            await pub.call("GET", f"{pub.ig.id}/stories", fields="id,media_type,media_url,username", limit=1)
        ).json()
        assert_same_shape(fixture("stories/stories_fields_p1.json"), first, ignore=("$.paging.cursors",))

    async def test_stories_edge_with_every_recorded_field(self, pub: Publisher) -> None:
        await _story(pub)
        fields = _keys("users/stories.json", item=True)
        body = (await pub.call("GET", f"{pub.ig.id}/stories", fields=fields)).json()
        assert_same_shape(fixture("users/stories.json"), body)
