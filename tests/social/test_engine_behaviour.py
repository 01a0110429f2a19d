"""The engine's waits, retries and outputs, driven by the sandbox (DESIGN.md §5).

Processing that outlasts the timeout fails with the reason; a transient error backs off exponentially
with jitter and publishes in the end; an exhausted quota waits visibly and publishes once a slot frees;
a permalink that cannot be read never fails the post; the seed's log lines and the metrics are emitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update
from structlog.testing import capture_logs

from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.social.models import SocialPost
from tests.fixtures.media_factory import jpeg, mp4
from tests.social.publish_helpers import Publisher, run_due, until_done

BACKOFF_BASE_SECONDS = 5.0
TRANSIENT = {"action": "error", "method": "POST", "path": r"^\d+/media$", "code": 2, "is_transient": True}


def events(post: dict[str, Any]) -> list[str]:
    return [entry["event"] for entry in post["timeline"]]


async def make_due(publisher: Publisher, post_id: int) -> None:
    """Bring the post's next attempt forward to now (instead of waiting out a backoff)."""
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        await session.execute(
            update(SocialPost).where(SocialPost.id == post_id).values(next_attempt_at=utcnow())
        )


async def requested_image(publisher: Publisher, **post: Any) -> int:
    clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
    created = await publisher.create(media_type="IMAGE", clip_id=clip_id, **post)
    assert created.status_code == 201, created.text
    post_id: int = created.json()["id"]
    await publisher.publish(post_id)
    return post_id


async def published_media_ids(publisher: Publisher) -> list[str]:
    return [item["media_id"] for item in await publisher.published()]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class TestProcessingTimeout:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"publish_processing_timeout_seconds": 1.0})

    async def test_a_video_still_processing_after_the_timeout_fails_with_the_reason(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("PATCH", "config", {"video_processing_seconds": 600})
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        created = await publisher.create(media_type="REELS", clip_id=video)
        await publisher.publish(created.json()["id"])

        done = await until_done(publisher, created.json()["id"], timeout=15)

        assert done["status"] == "failed", done
        assert done["last_error_code"] == "processing_timeout"
        assert done["error_message"].startswith("Instagram was still processing the media after 1 s.")
        assert "use a shorter or smaller clip" in done["error_message"]
        assert await publisher.published() == []


class TestTransientErrors:
    async def test_a_transient_error_backs_off_with_jitter_then_publishes_once(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("POST", "faults", {**TRANSIENT, "times": 2})
        post_id = await requested_image(publisher, caption="Flaky")

        for attempt in (1, 2):
            before = utcnow()
            await run_due(publisher.app)
            after = utcnow()
            post = await publisher.post(post_id)
            assert post["status"] == "publishing", post
            assert post["attempts"] == attempt
            assert post["last_error_code"] == "2"
            ceiling = BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)
            next_attempt = datetime.fromisoformat(post["next_attempt_at"])
            assert (
                before + timedelta(seconds=ceiling / 2) <= next_attempt <= after + timedelta(seconds=ceiling)
            )
            await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert done["status"] == "published", done
        assert done["attempts"] == 2
        assert events(done).count("retry_scheduled") == 2
        assert await published_media_ids(publisher) == [done["platform_post_id"]]


class TestQuota:
    async def test_an_exhausted_quota_waits_visibly_and_publishes_once_a_slot_frees(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("PATCH", "config", {"publish_quota": 0})
        post_id = await requested_image(publisher, caption="Patient")

        await run_due(publisher.app)
        waiting = await publisher.post(post_id)
        assert await run_due(publisher.app) == 0, "a waiting post is not due again at once"
        await publisher.admin("PATCH", "config", {"publish_quota": 25})
        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert waiting["status"] == "scheduled"
        assert waiting["last_error_code"] == "9/2207042"
        assert waiting["error_message"].startswith("Waiting: this account has published")
        assert "goes out automatically when a slot frees up" in waiting["error_message"]
        assert datetime.fromisoformat(waiting["next_attempt_at"]) > utcnow() + timedelta(minutes=5)
        assert done["status"] == "published", done
        assert "quota_wait" in events(done)
        assert await published_media_ids(publisher) == [done["platform_post_id"]]

    async def test_a_quota_refusal_from_media_publish_waits_instead_of_failing(
        self, publisher: Publisher
    ) -> None:
        refusal = {"action": "error", "path": "media_publish$", "code": 9, "subcode": 2207042, "times": 1}
        await publisher.admin("POST", "faults", refusal)
        post_id = await requested_image(publisher, caption="Refused once")
        refused_item = {"endpoint": "batch:POST /{id}/media_publish", "status": "400", "code": "9"}
        refusals_before = sample("graph_api_calls_total", **refused_item)

        await run_due(publisher.app)
        waiting = await publisher.post(post_id)
        # The refusal inside the publish batch is counted by endpoint and Meta error code.
        assert sample("graph_api_calls_total", **refused_item) - refusals_before == 1
        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert waiting["status"] == "scheduled", waiting
        assert waiting["error_message"].startswith("Waiting:")
        assert done["status"] == "published", done
        assert await published_media_ids(publisher) == [done["platform_post_id"]]


class TestPermalink:
    async def test_a_permalink_that_cannot_be_read_never_fails_the_post(self, publisher: Publisher) -> None:
        refused = {"action": "error", "method": "GET", "code": 100, "subcode": 33, "times": None}
        for fields in ("permalink", "id,permalink"):
            await publisher.admin("POST", "faults", {**refused, "params": {"fields": fields}})
        post_id = await requested_image(publisher, caption="No link", options={"first_comment": "still here"})

        done = await until_done(publisher, post_id)

        assert done["status"] == "published", done
        assert done["platform_post_id"]
        assert done["platform_url"] is None
        assert done["first_comment_id"]
        assert "permalink_unavailable" in events(done)
        assert await published_media_ids(publisher) == [done["platform_post_id"]]


class TestLogsAndMetrics:
    async def test_one_publish_logs_the_seed_lines_and_moves_the_metrics(self, publisher: Publisher) -> None:
        post_id = await requested_image(publisher, caption="Observed")
        create = {"endpoint": "POST /{id}/media", "status": "200", "code": ""}
        batch = {"endpoint": "POST /", "status": "200", "code": ""}
        publish_item = {"endpoint": "batch:POST /{id}/media_publish", "status": "200", "code": ""}
        limit_item = {"endpoint": "batch:GET /{id}/content_publishing_limit", "status": "200", "code": ""}
        names = {
            "success": ("publish_success_total", {}),
            "latency": ("publish_latency_seconds_count", {}),
            "create": ("graph_api_calls_total", create),
            "batch": ("graph_api_calls_total", batch),
            "publish_item": ("graph_api_calls_total", publish_item),
            "limit_item": ("graph_api_calls_total", limit_item),
        }
        before = {key: sample(name, **labels) for key, (name, labels) in names.items()}

        with capture_logs() as logs:
            done = await until_done(publisher, post_id)

        after = {key: sample(name, **labels) for key, (name, labels) in names.items()}
        assert done["status"] == "published", done
        deltas = {key: after[key] - before[key] for key in names}
        assert deltas == {
            "success": 1,
            "latency": 1,
            "create": 1,
            "batch": 2,
            "publish_item": 1,
            "limit_item": 1,
        }
        started = [line for line in logs if line["event"] == "Instagram publish started"]
        success = [line for line in logs if line["event"] == "Instagram publish success"]
        user_id = publisher.user.user_id
        assert [(line["user_id"], line["post_id"]) for line in started] == [(user_id, post_id)]
        assert [(line["user_id"], line["post_id"], line["media_id"]) for line in success] == [
            (user_id, post_id, done["platform_post_id"])
        ]
