"""Story insights captured before the story expires: the periodic capture and the `story_insights` hook."""

from __future__ import annotations

from sqlalchemy import select

from clipper.accounts.models import Account
from clipper.insights import service, sync
from clipper.insights.cache import Services
from clipper.insights.catalogue import MEDIA_CATALOGUE
from clipper.insights.models import MediaInsightSnapshot
from graph_sandbox import webhooks
from graph_sandbox.insights.media import story_webhook_metrics


def url(media_id: str) -> str:
    return f"/api/v1/instagram/media/{media_id}/insights"


def services_of(app) -> Services:
    return Services(
        graph=app.state.resources.graph,
        cipher=app.state.resources.cipher,
        factory=app.state.resources.session_factory,
        kv=app.state.resources.kv,
    )


async def stored(session, account_id: int, media_id: str) -> MediaInsightSnapshot | None:
    return await session.scalar(
        select(MediaInsightSnapshot)
        .where(MediaInsightSnapshot.account_id == account_id, MediaInsightSnapshot.media_id == media_id)
        .execution_options(populate_existing=True)
    )


class TestLiveStory:
    async def test_a_live_story_answers_with_the_story_catalogue(self, client, connect, publish_story):
        me = await connect(username="sandbox.studio")
        story = await publish_story(me)
        response = await client.get(url(story), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["media_product_type"] == "STORY"
        assert set(body["metrics"]) == set(MEDIA_CATALOGUE["STORY"])


class TestCaptureJob:
    async def test_the_job_keeps_numbers_after_meta_forgets_them(
        self, app, client, connect, publish_story, session_factory, session
    ):
        me = await connect(username="sandbox.studio")
        story = await publish_story(me)
        report = await sync.capture_all_stories(session_factory, services=services_of(app))
        assert (report.accounts, report.failed) == (1, 0)
        row = await stored(session, me.account_id, story)
        assert row is not None
        assert row.source == "graph"
        assert set(row.metrics) == set(MEDIA_CATALOGUE["STORY"])

        await client.post("/sandbox/_admin/clock/advance", json={"seconds": 25 * 3600})
        response = await client.get(url(story), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["source"] == "snapshots"
        assert body["metrics"] == row.metrics
        assert "24 h" in body["note"]

    async def test_the_periodic_job_runs_the_capture(self, app, connect, publish_story, session):
        me = await connect(username="sandbox.studio")
        story = await publish_story(me)
        await app.state.worker.run_periodic_once("insights.stories")
        assert await stored(session, me.account_id, story) is not None

    async def test_an_expired_story_never_captured_is_a_404(self, client, connect, publish_story):
        me = await connect(username="sandbox.studio")
        story = await publish_story(me)
        await client.post("/sandbox/_admin/clock/advance", json={"seconds": 25 * 3600})
        response = await client.get(url(story), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 404

    async def test_accounts_without_the_permission_are_skipped(
        self, app, connect, publish_story, session_factory, session
    ):
        allowed = await connect(username="sandbox.studio")
        await connect(untick=("instagram_manage_insights",))
        story = await publish_story(allowed)
        report = await sync.capture_all_stories(session_factory, services=services_of(app))
        assert (report.accounts, report.failed) == (1, 0)
        assert await stored(session, allowed.account_id, story) is not None


class TestWebhookHook:
    async def test_the_webhook_values_are_stored_under_todays_names(
        self, client, connect, publish_story, session
    ):
        me = await connect(username="sandbox.studio")
        story = await publish_story(me)
        account = await session.get_one(Account, me.account_id)
        values = {"media_id": story, "impressions": 444, "reach": 44, "taps_forward": 4, "taps_back": -1}
        await service.record_story_insights(
            session, account=account, media_id=story, values=values | {"exits": 3}
        )
        row = await stored(session, me.account_id, story)
        assert row is not None
        assert row.source == "webhook"
        assert row.metrics["views"] == 444
        assert row.metrics["reach"] == 44
        assert row.metrics["navigation"] == 7  # -1 means "fewer than 5": unknown, not counted
        assert row.metrics["navigation_breakdown"] == {"taps_forward": 4, "taps_back": None, "exits": 3}

        await client.post("/sandbox/_admin/clock/advance", json={"seconds": 25 * 3600})
        response = await client.get(url(story), params={"account_id": me.account_id}, headers=me.headers)
        assert response.status_code == 200, response.text
        assert response.json()["metrics"]["views"] == 444

    async def test_the_sandboxs_story_webhook_payload_is_understood(
        self, connect, publish_story, session, sandbox
    ):
        me = await connect(username="sandbox.studio")
        story = await publish_story(me)
        numbers = story_webhook_metrics(sandbox, sandbox.world.media[story])
        payload = webhooks.story_insights_change(story, numbers)["value"]
        account = await session.get_one(Account, me.account_id)
        await service.record_story_insights(session, account=account, media_id=story, values=payload)
        row = await stored(session, me.account_id, story)
        assert row is not None
        assert row.metrics["views"] == numbers["impressions"]
        assert row.metrics["reach"] == numbers["reach"]
        parts = [numbers[n] for n in ("taps_forward", "taps_back", "exits") if numbers[n] >= 5]
        assert row.metrics["navigation"] == sum(parts)
