"""`GET /api/v1/events` over a real socket: a post turning published arrives as a server-sent event."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from clipper.config import Settings
from tests.fixtures.media_factory import jpeg
from tests.social.live_app import served_publisher
from tests.social.publish_helpers import Publisher, until_done


async def next_status(publisher: Publisher, wanted: str, ready: asyncio.Event) -> dict[str, Any]:
    """Read the event stream until a `post.status` event with `wanted` status arrives."""
    async with publisher.client.stream("GET", "/api/v1/events", headers=publisher.headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        ready.set()
        event = None
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:") and event == "post.status":
                data: dict[str, Any] = json.loads(line.removeprefix("data:").strip())["data"]
                if data["status"] == wanted:
                    return data
    raise AssertionError("the stream ended")


class TestEventsOverHttp:
    async def test_a_published_post_arrives_as_an_event(self, settings: Settings) -> None:
        # The engine is driven here rather than by the embedded worker, whose other periodic jobs
        # (inbox, insights, health) would write to the SQLite file at random moments of the test.
        async with served_publisher(settings, worker_embedded=False) as publisher:
            clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
            created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Live")
            ready = asyncio.Event()
            listening = asyncio.create_task(next_status(publisher, "published", ready))
            await asyncio.wait_for(ready.wait(), timeout=10)

            await publisher.publish(created.json()["id"])
            done = await until_done(publisher, created.json()["id"])
            event = await asyncio.wait_for(listening, timeout=10)

        assert done["status"] == "published"
        assert event["id"] == created.json()["id"]
        assert event["platform_post_id"]
        assert event["platform_url"]
