"""The embedded in-memory worker publishes many posts at once on a SQLite file: no "database is locked"."""

from __future__ import annotations

import structlog

from clipper.config import Settings
from tests.fixtures.media_factory import jpeg
from tests.social.live_app import live_publisher, seed_due, wait_for

POSTS = 20


class TestEmbeddedWorkerOnSqlite:
    async def test_publishes_twenty_due_posts_concurrently_none_failing_none_twice(
        self, settings: Settings
    ) -> None:
        with structlog.testing.capture_logs() as logs:
            async with live_publisher(
                settings, worker_embedded=True, worker_concurrency=20, publish_sweep_seconds=0.2
            ) as publisher:
                clip_id = await publisher.clip(jpeg(320, 320), "tiny.jpg")
                await seed_due(publisher, clip_id, POSTS)

                counts = await wait_for(publisher, published=POSTS, timeout=40)
                published = await publisher.published()

        assert counts == {"published": POSTS}, counts
        assert len({item["container_id"] for item in published}) == POSTS
        assert len({item["params"]["caption"] for item in published}) == POSTS
        problems = [entry for entry in logs if entry["log_level"] in ("error", "warning")]
        assert problems == []
