"""Container options checked per media type before sending, and their encoding on the wire."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from clipper.instagram import RequestValidationError

IG = "17841400000000001"
IMG = "https://cdn.example.com/a.jpg"
VID = "https://cdn.example.com/a.mp4"


@pytest.fixture
def sent():
    return []


@pytest.fixture
def client(make_client, sent):
    def handler(request):
        sent.append(request)
        if request.url.path.endswith("/media_publish"):
            return httpx.Response(200, json={"id": "17920238422030506"})
        if request.method == "GET":
            return httpx.Response(
                200, json={"id": "1789", "status_code": "FINISHED", "status": "Finished: ok"}
            )
        return httpx.Response(200, json={"id": "17889455560051444"})

    return make_client(handler)


def form(request):
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


class TestSeedUsage:
    async def test_publishing_a_reel_as_the_seed_does(self, client, sent):
        container_id = await client.create_video_container(
            ig_account_id="123456789",
            video_url="https://example.com/video.mp4",
            caption="Check out this awesome video! #content #creator",
            media_type="REELS",
        )
        assert container_id == "17889455560051444"
        status = await client.check_container_status(container_id)
        assert status.get("status_code") == "FINISHED"
        media_id = await client.publish_container(ig_account_id="123456789", creation_id=container_id)
        assert media_id == "17920238422030506"
        assert form(sent[0]) == {
            "media_type": "REELS",
            "video_url": "https://example.com/video.mp4",
            "caption": "Check out this awesome video! #content #creator",
        }
        assert sent[0].url.path == "/v24.0/123456789/media"
        assert form(sent[2]) == {"creation_id": container_id}


class TestEncoding:
    async def test_lists_and_objects_are_json_and_bools_are_words(self, client, sent):
        tags = [{"username": "x", "x": 0.5, "y": 0.8}]
        await client.create_image_container(IG, IMG, "hi", user_tags=tags, collaborators=["a", "b"])
        await client.create_video_container(
            IG, VID, share_to_feed=False, trial_params={"graduation_strategy": "MANUAL"}
        )
        image, reel = form(sent[0]), form(sent[1])
        assert json.loads(image["user_tags"]) == tags
        assert image["collaborators"] == '["a","b"]'
        assert "media_type" not in image
        assert reel["share_to_feed"] == "false"
        assert json.loads(reel["trial_params"]) == {"graduation_strategy": "MANUAL"}

    async def test_carousel_children_are_a_comma_list(self, client, sent):
        first = await client.create_image_container(IG, IMG, is_carousel_item=True, alt_text="a cat")
        second = await client.create_video_container(IG, VID, media_type="VIDEO", thumb_offset=500)
        await client.create_carousel_container(IG, [first, second], "album", location_id="1234")
        child_image, child_video, parent = (form(r) for r in sent)
        assert child_image["is_carousel_item"] == "true"
        assert child_video == {
            "media_type": "VIDEO",
            "video_url": VID,
            "is_carousel_item": "true",
            "thumb_offset": "500",
        }
        assert parent["children"] == f"{first},{second}"
        assert parent["media_type"] == "CAROUSEL"

    async def test_resumable_reel_needs_no_url(self, client, sent):
        await client.create_video_container(IG, media_type="REELS", upload_type="resumable")
        assert form(sent[0]) == {"media_type": "REELS", "upload_type": "resumable"}

    async def test_stories(self, client, sent):
        await client.create_story_container(IG, image_url=IMG, user_tags=[{"username": "friend"}])
        await client.create_story_container(IG, video_url=VID)
        assert form(sent[0])["media_type"] == "STORIES"
        assert form(sent[1]) == {"media_type": "STORIES", "video_url": VID}

    async def test_publishing_limit(self, make_client):
        body = {"data": [{"quota_usage": 2, "config": {"quota_total": 50, "quota_duration": 86400}}]}
        client = make_client(lambda r: httpx.Response(200, json=body))
        limit = await client.get_content_publishing_limit(IG)
        assert (limit.quota_usage, limit.remaining) == (2, 48)


REFUSED = [
    ("alt_text", "REELS", lambda c: c.create_video_container(IG, VID, alt_text="x")),
    ("share_to_feed", "IMAGE", lambda c: c.create_image_container(IG, IMG, share_to_feed=True)),
    ("cover_url", "STORIES", lambda c: c.create_story_container(IG, video_url=VID, cover_url=IMG)),
    ("collaborators", "STORIES", lambda c: c.create_story_container(IG, image_url=IMG, collaborators=["a"])),
    (
        "location_id",
        "carousel IMAGE item",
        lambda c: c.create_image_container(IG, IMG, is_carousel_item=True, location_id="1"),
    ),
    (
        "caption",
        "carousel IMAGE item",
        lambda c: c.create_image_container(IG, IMG, "cap", is_carousel_item=True),
    ),
    (
        "user_tags",
        "carousel VIDEO item",
        lambda c: c.create_video_container(IG, VID, media_type="VIDEO", user_tags=[{"username": "a"}]),
    ),
    (
        "trial_params",
        "REELS",
        lambda c: c.create_video_container(IG, VID, trial_params={"graduation_strategy": "X"}),
    ),
    (
        "media_type",
        "VIDEO",
        lambda c: c.create_video_container(IG, VID, media_type="VIDEO", is_carousel_item=False),
    ),
    ("is_carousel_item", "REELS", lambda c: c.create_video_container(IG, VID, is_carousel_item=True)),
    ("video_url", "REELS", lambda c: c.create_video_container(IG)),
    ("children", "CAROUSEL", lambda c: c.create_carousel_container(IG, ["only-one"])),
    ("children", "CAROUSEL", lambda c: c.create_carousel_container(IG, [str(i) for i in range(11)])),
    (
        "collaborators",
        "IMAGE",
        lambda c: c.create_image_container(IG, IMG, collaborators=["a", "b", "c", "d"]),
    ),
    ("user_tags", "IMAGE", lambda c: c.create_image_container(IG, IMG, user_tags=[{"username": "a"}])),
    (
        "user_tags",
        "IMAGE",
        lambda c: c.create_image_container(IG, IMG, user_tags=[{"username": "a", "x": 2, "y": 0}]),
    ),
    ("thumb_offset", "REELS", lambda c: c.create_video_container(IG, VID, thumb_offset=-1)),
    ("caption", "IMAGE", lambda c: c.create_image_container(IG, IMG, "x" * 2201)),
    ("caption", "IMAGE", lambda c: c.create_image_container(IG, IMG, " ".join(f"#t{i}" for i in range(31)))),
    ("image_url", "IMAGE", lambda c: c.create_image_container(IG, "https://cdn.example.com/ça.jpg")),
    (
        "upload_type",
        "STORIES",
        lambda c: c.create_story_container(IG, image_url=IMG, upload_type="resumable"),
    ),
    ("alt_text", "IMAGE", lambda c: c.create_image_container(IG, IMG, alt_text="x" * 1001)),
]


class TestRefusedBeforeSending:
    @pytest.mark.parametrize(("option", "media_type", "call"), REFUSED)
    async def test_names_the_option_and_media_type(self, client, sent, option, media_type, call):
        with pytest.raises(RequestValidationError) as raised:
            await call(client)
        assert raised.value.option == option
        assert raised.value.media_type == media_type
        assert option in str(raised.value)
        assert sent == []

    async def test_a_story_takes_exactly_one_media(self, client, sent):
        with pytest.raises(RequestValidationError):
            await client.create_story_container(IG, image_url=IMG, video_url=VID)
        with pytest.raises(RequestValidationError):
            await client.create_story_container(IG)
        assert sent == []
