"""The `story_insights` webhook end to end: a signed POST → a stored snapshot → the media insights API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from clipper.insights.models import MediaInsightSnapshot
from clipper.webhooks.models import EventStatus, WebhookEvent
from graph_sandbox.insights.media import story_webhook_metrics
from graph_sandbox.world import Media
from tests.fixtures.inbox import API, drain
from tests.webhooks.test_webhooks import URL, signed


def sandbox_of(app):
    return app.state.sandbox_app.state.sandbox


def new_story(sandbox, ig_id: str, age: timedelta) -> Media:
    """A story of the account posted `age` ago, straight into the sandbox world."""
    story = Media(
        sandbox.world.ids.media(), ig_id, "IMAGE", "STORY", sandbox.clock.now() - age, "storycode", ""
    )
    sandbox.world.media[story.id] = story
    return story


async def snapshot_of(app, account_id: int, media_id: str) -> MediaInsightSnapshot | None:
    async with app.state.resources.session_factory() as session:
        return await session.scalar(
            select(MediaInsightSnapshot).where(
                MediaInsightSnapshot.account_id == account_id, MediaInsightSnapshot.media_id == media_id
            )
        )


async def story_events(app) -> list[WebhookEvent]:
    async with app.state.resources.session_factory() as session:
        query = select(WebhookEvent).where(WebhookEvent.field == "story_insights")
        return list((await session.scalars(query)).all())


class TestStoryInsightsWebhook:
    async def test_the_sandboxs_expiring_story_is_kept_and_served_after_24_hours(
        self, app, client, owner, webhooks_on, admin
    ):
        sandbox = sandbox_of(app)
        story = new_story(sandbox, owner.ig_id, timedelta(hours=23))
        numbers = story_webhook_metrics(sandbox, story)

        sent = await admin("simulate/story-expired", {"media_id": story.id})
        assert sent["media_id"] == story.id
        await drain(app)

        assert [e.status for e in await story_events(app)] == [EventStatus.PROCESSED]
        row = await snapshot_of(app, owner.account["id"], story.id)
        assert row is not None
        assert (row.source, row.media_product_type) == ("webhook", "STORY")
        assert row.metrics["views"] == numbers["impressions"]
        assert row.metrics["reach"] == numbers["reach"]

        await client.post("/sandbox/_admin/clock/advance", json={"seconds": 2 * 3600})
        response = await client.get(
            f"{API}/media/{story.id}/insights",
            params={"account_id": owner.account["id"]},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["source"] == "snapshots"
        assert body["media_product_type"] == "STORY"
        assert body["metrics"]["views"] == numbers["impressions"]
        assert "24 h" in body["note"]

    async def test_a_signed_changes_body_is_stored_once_under_todays_names(self, app, client, owner):
        story = new_story(sandbox_of(app), owner.ig_id, timedelta(hours=2))
        value = {"media_id": story.id, "impressions": 321, "reach": 120, "taps_forward": 9, "exits": -1}
        delivery = {
            "object": "instagram",
            "entry": [
                {"id": owner.ig_id, "time": 1, "changes": [{"field": "story_insights", "value": value}]}
            ],
        }
        body, headers = signed(delivery)
        for _ in range(2):  # Meta repeats deliveries
            assert (await client.post(URL, content=body, headers=headers)).status_code == 200
        await drain(app)

        assert [e.status for e in await story_events(app)] == [EventStatus.PROCESSED]
        row = await snapshot_of(app, owner.account["id"], story.id)
        assert row is not None
        assert row.source == "webhook"
        assert (row.metrics["views"], row.metrics["reach"], row.metrics["navigation"]) == (321, 120, 9)

    async def test_a_story_of_an_account_nobody_connected_is_ignored(self, app, client, owner):
        value = {"media_id": "17999", "impressions": 10, "reach": 5}
        delivery = {
            "object": "instagram",
            "entry": [{"id": "404", "changes": [{"field": "story_insights", "value": value}]}],
        }
        body, headers = signed(delivery)
        assert (await client.post(URL, content=body, headers=headers)).status_code == 200
        await drain(app)
        assert [e.status for e in await story_events(app)] == [EventStatus.IGNORED]
        assert await snapshot_of(app, owner.account["id"], "17999") is None
