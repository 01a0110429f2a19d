"""Graph calls per post are the floor: image 3, carousel of n n + 3, reel 3 + polls (+1 resumable upload).

The counting client is a real `InstagramGraphAPI` on the app's HTTP client whose `on_call` hook records
every HTTP request it sends (a batch is one request), swapped in after the account is connected.
"""

from __future__ import annotations

from typing import Any

import pytest

from clipper.config import VideoUpload
from tests.fixtures.graph_observer import observe_graph_calls
from tests.fixtures.media_factory import jpeg, mp4
from tests.social.publish_helpers import Publisher, until_done

BATCH = "POST /"


class Calls:
    """The HTTP requests a Graph client sent, as `METHOD /endpoint-template`."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, what: str, _status: int | None, _code: int | None, _seconds: float) -> None:
        self.sent.append(what)


def counting_client(publisher: Publisher) -> Calls:
    """Swap the app's Graph client for one that counts; returns the counter."""
    calls = Calls()
    observe_graph_calls(publisher.app, calls)
    return calls


async def publish_counting(publisher: Publisher, **body: Any) -> tuple[dict[str, Any], list[str]]:
    created = await publisher.create(**body)
    assert created.status_code == 201, created.text
    calls = counting_client(publisher)
    await publisher.publish(created.json()["id"])
    done = await until_done(publisher, created.json()["id"])
    assert done["status"] == "published", done
    assert done["platform_url"], done
    return done, calls.sent


class TestGraphCallsPerPost:
    async def test_an_image_costs_three_calls(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")

        _, sent = await publish_counting(publisher, media_type="IMAGE", clip_id=clip_id, caption="Three")

        assert sent == ["POST /{id}/media", BATCH, BATCH]

    async def test_an_image_story_costs_three_calls(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1920), "story.jpg")

        _, sent = await publish_counting(publisher, media_type="STORIES", clip_id=clip_id)

        assert len(sent) == 3, sent

    async def test_a_carousel_of_n_costs_n_plus_three_calls(self, publisher: Publisher) -> None:
        clips = [await publisher.clip(jpeg(1080, 1080, color=(i * 40, 9, 9)), f"{i}.jpg") for i in range(4)]

        _, sent = await publish_counting(publisher, media_type="CAROUSEL", clip_ids=clips, caption="Four")

        assert sent == ["POST /{id}/media"] * 5 + [BATCH, BATCH]

    @pytest.mark.parametrize("upload", [VideoUpload.URL, VideoUpload.RUPLOAD])
    async def test_a_reel_costs_three_calls_plus_its_polls(
        self, publisher: Publisher, upload: VideoUpload
    ) -> None:
        publisher.app.state.resources.settings = publisher.app.state.resources.settings.model_copy(
            update={"publish_video_upload": upload}
        )
        await publisher.admin("PATCH", "config", {"video_processing_seconds": 1.5})
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")

        done, sent = await publish_counting(publisher, media_type="REELS", clip_id=video, caption="Reel")

        uploads = [what for what in sent if "ig-api-upload" in what]
        status_batches = len(sent) - len(uploads) - 2
        assert len(uploads) == (1 if upload is VideoUpload.RUPLOAD else 0), sent
        assert sent[0] == "POST /{id}/media"
        assert sent[-1] == BATCH
        assert status_batches >= 2, "the reel was polled at least once while processing"
        assert len(sent) == 3 + len(uploads) + (status_batches - 1), done["timeline"]
