"""An unconfirmed post is checked again within minutes however long it takes, says what is being done and
when, and can be checked at once on request (REST and CLI)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from typer.testing import CliRunner

from clipper.cli import app as cli
from clipper.config import Settings
from clipper.db import utcnow
from clipper.social.transitions import UNCONFIRMED_CAP_SECONDS
from tests.fixtures.media_factory import jpeg
from tests.social.crash_helpers import fault, make_due
from tests.social.live_app import served_publisher
from tests.social.publish_helpers import API, Publisher, run_due, until_done
from tests.social.test_unconfirmed_recovery import last_published_id, not_listed

runner = CliRunner()


async def lost_answer(publisher: Publisher, caption: str) -> int:
    """A post whose media_publish went through but whose answer was lost."""
    await fault(publisher, action="drop_after", path="media_publish$")
    clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
    created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption=caption)
    post_id = int(created.json()["id"])
    await publisher.publish(post_id)
    await run_due(publisher.app)
    return post_id


def seconds_until(moment: str) -> float:
    return (datetime.fromisoformat(moment) - utcnow()).total_seconds()


class TestUnconfirmedBackoff:
    async def test_checks_stay_minutes_apart_however_many_fail(self, publisher: Publisher) -> None:
        post_id = await lost_answer(publisher, "Never listed")
        with not_listed(publisher, await last_published_id(publisher)):
            for _ in range(15):
                await make_due(publisher, post_id, sent_seconds_ago=60)
                await run_due(publisher.app)
            waiting = await publisher.post(post_id)

        assert waiting["status"] == "unconfirmed"
        assert waiting["attempts"] >= 15
        assert 0 < seconds_until(waiting["next_attempt_at"]) <= UNCONFIRMED_CAP_SECONDS
        assert waiting["next_step"].startswith("Looking for the post among the account's media")


class TestCheckNow:
    async def test_an_unconfirmed_post_is_checked_at_once(self, publisher: Publisher) -> None:
        post_id = await lost_answer(publisher, "Check me")
        ours = await last_published_id(publisher)
        with not_listed(publisher, ours):
            await make_due(publisher, post_id, sent_seconds_ago=60)
            await run_due(publisher.app)
        waiting = await publisher.post(post_id)

        response = await publisher.client.post(f"{API}{post_id}/check", headers=publisher.headers)
        asked = response.json()
        await run_due(publisher.app)
        done = await publisher.post(post_id)

        assert seconds_until(waiting["next_attempt_at"]) > 1
        assert response.status_code == 202, response.text
        assert seconds_until(asked["next_attempt_at"]) <= 0
        assert asked["timeline"][-1]["event"] == "check_requested"
        assert done["status"] == "published", done["timeline"]
        assert done["platform_post_id"] == ours
        assert done["next_step"] is None

    async def test_a_post_in_another_state_is_refused_with_409(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
        draft = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()

        response = await publisher.client.post(f"{API}{draft['id']}/check", headers=publisher.headers)

        assert response.status_code == 409
        assert "only a post waiting for Instagram's confirmation" in response.json()["detail"]

    async def test_someone_elses_post_is_not_found(self, publisher: Publisher) -> None:
        response = await publisher.client.post(f"{API}999999/check", headers=publisher.headers)
        assert response.status_code == 404


class TestCheckCommand:
    async def test_the_cli_checks_an_unconfirmed_post_now(self, settings: Settings) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher:
            post_id = await lost_answer(publisher, "From the CLI")
            with not_listed(publisher, await last_published_id(publisher)):
                await make_due(publisher, post_id, sent_seconds_ago=60)
                await run_due(publisher.app)
            api_url = str(publisher.client.base_url).rstrip("/")
            args = ["posts", "check", str(post_id), "--token", publisher.user.token, "--api-url", api_url]
            result = await asyncio.to_thread(runner.invoke, cli, args)
            done = await until_done(publisher, post_id)

        assert result.exit_code == 0, result.output
        assert f"post {post_id}: unconfirmed" in result.output
        assert done["status"] == "published"
