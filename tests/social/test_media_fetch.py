"""Instagram could not download the media (9004 / 2207052, a container ERROR 2207052): tried again a few
times with a back-off, then failed with the fix named. The refusals are sandbox fault rules and a forced
container outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from clipper.db import utcnow
from clipper.social.fetching import FETCH_TRIES
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import sandbox_of
from tests.social.crash_helpers import make_due
from tests.social.publish_helpers import API, Publisher, run_due, until_done

COULD_NOT_FETCH = {"action": "error", "path": r"^\d+/media$", "method": "POST", "code": 9004,
                   "subcode": 2207052, "http_status": 400,
                   "message": "The media could not be fetched from this uri"}  # fmt: skip


async def published_image(publisher: Publisher, caption: str) -> int:
    clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
    created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption=caption)
    post_id = int(created.json()["id"])
    await publisher.publish(post_id)
    return post_id


async def checks(publisher: Publisher, post_id: int, count: int) -> list[dict[str, Any]]:
    """Run the post `count` times, skipping each back-off; the post as it stood after each run."""
    seen = []
    for _ in range(count):
        await run_due(publisher.app)
        seen.append(await publisher.post(post_id))
        await make_due(publisher, post_id)
    return seen


def fetch_failures(post: dict[str, Any]) -> int:
    return sum(1 for entry in post["timeline"] if entry["event"] == "media_fetch_failed")


class TestCouldNotFetch:
    async def test_a_passing_refusal_is_tried_again_and_the_post_goes_out_once(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("POST", "faults", {**COULD_NOT_FETCH, "times": 2})
        post_id = await published_image(publisher, "Fetched at last")

        await run_due(publisher.app)
        first = await publisher.post(post_id)
        waited = (datetime.fromisoformat(first["next_attempt_at"]) - utcnow()).total_seconds()
        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert first["status"] == "publishing"
        assert first["next_step"].startswith("Sending the media to Instagram again")
        assert waited > 5
        assert done["status"] == "published", done["timeline"]
        assert fetch_failures(done) == 2
        assert [item["media_id"] for item in await publisher.published()] == [done["platform_post_id"]]

    async def test_a_lasting_refusal_fails_the_post_naming_the_fix(self, publisher: Publisher) -> None:
        await publisher.admin("POST", "faults", {**COULD_NOT_FETCH, "times": None})
        post_id = await published_image(publisher, "Never fetched")

        seen = await checks(publisher, post_id, FETCH_TRIES)

        assert [post["status"] for post in seen] == ["publishing"] * (FETCH_TRIES - 1) + ["failed"]
        failed = seen[-1]
        assert fetch_failures(failed) == FETCH_TRIES
        assert "BACKEND_URL" in failed["error_message"]
        assert "could not download the media" in failed["error_message"]
        assert await publisher.published() == []

    async def test_a_failed_post_rescheduled_by_an_edit_gets_its_tries_again(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("POST", "faults", {**COULD_NOT_FETCH, "times": FETCH_TRIES + 1})
        post_id = await published_image(publisher, "Fixed, then rescheduled")
        failed = (await checks(publisher, post_id, FETCH_TRIES))[-1]
        due = (utcnow() + timedelta(seconds=1)).isoformat()
        edited = await publisher.client.put(
            f"{API}{post_id}", json={"scheduled_for": due}, headers=publisher.headers
        )

        await make_due(publisher, post_id)
        await run_due(publisher.app)
        retried = await publisher.post(post_id)
        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert failed["status"] == "failed"
        assert edited.status_code == 200, edited.text
        assert retried["status"] == "publishing", retried["error_message"]
        assert fetch_failures(retried) == FETCH_TRIES + 1
        assert done["status"] == "published", done["timeline"]

    async def test_a_container_that_ends_in_error_2207052_is_made_again(self, publisher: Publisher) -> None:
        await publisher.admin("PATCH", "config", {"image_processing_seconds": 60})
        post_id = await published_image(publisher, "Second container")
        await run_due(publisher.app)
        first = await publisher.post(post_id)
        outcome = {"status_code": "ERROR", "code": 9004, "subcode": 2207052}
        await publisher.admin("POST", f"containers/{first['container_id']}/outcome", outcome)
        sandbox = sandbox_of(publisher.app)
        sandbox.world.containers[first["container_id"]].ready_at = sandbox.clock.now()
        await make_due(publisher, post_id)
        await run_due(publisher.app)
        retried = await publisher.post(post_id)
        await publisher.admin("PATCH", "config", {"image_processing_seconds": 0})

        await make_due(publisher, post_id)
        done = await until_done(publisher, post_id)

        assert fetch_failures(retried) == 1
        assert retried["container_id"] is None
        assert done["status"] == "published", done["timeline"]
        assert done["container_id"] != first["container_id"]
