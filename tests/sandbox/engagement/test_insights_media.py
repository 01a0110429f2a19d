"""Media insights over HTTP (GRAPH_API.md §7.2), and Page insights basics (§7.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph_sandbox.world import Media
from tests.sandbox.engagement.engagement_helpers import Graph, fixture
from tests.sandbox.shapes import assert_same_shape


def reel_of(sandbox, ig_id: str) -> Media:
    return next(m for m in sandbox.world.media_of(ig_id) if m.media_product_type == "REELS")


def add_story(sandbox, ig_id: str, *, age: timedelta) -> Media:
    """A story published `age` ago (stories come from the publishing half; this skips its pipeline)."""
    world = sandbox.world
    story = Media(
        world.ids.media(), ig_id, "IMAGE", "STORY", sandbox.clock.now() - age, world.ids.shortcode(), ""
    )
    world.media[story.id] = story
    return story


async def set_account(client, ig_id: str, **body) -> None:
    assert (await client.patch(f"/_admin/engagement/accounts/{ig_id}", json=body)).status_code == 200


class TestCatalogue:
    async def test_feed_media_answers_postiz_metrics(self, graph, feed_media):
        body = (
            await graph.get(f"{feed_media.id}/insights", metric="views,reach,saved,likes,comments,shares")
        ).json()
        assert [m["name"] for m in body["data"]] == ["views", "reach", "saved", "likes", "comments", "shares"]
        assert all(m["period"] == "lifetime" and len(m["values"]) == 1 for m in body["data"])
        assert body["data"][0]["id"] == f"{feed_media.id}/insights/views/lifetime"

    async def test_likes_and_comments_agree_with_the_media(self, graph, feed_media):
        counts = (await graph.get(feed_media.id, fields="like_count,comments_count")).json()
        body = (await graph.get(f"{feed_media.id}/insights", metric="likes,comments")).json()
        assert [m["values"][0]["value"] for m in body["data"]] == [
            counts["like_count"],
            counts["comments_count"],
        ]

    async def test_reel_only_metrics_on_reels(self, graph, sandbox, creator, feed_media):
        reel = reel_of(sandbox, creator.ig_id)
        ok = await graph.get(f"{reel.id}/insights", metric="ig_reels_avg_watch_time,reels_skip_rate")
        assert ok.status_code == 200
        refused = await graph.get(f"{feed_media.id}/insights", metric="ig_reels_avg_watch_time")
        assert refused.json()["error"]["message"] == (
            "(#100) The Media Insights API does not support the ig_reels_avg_watch_time metric "
            "for this media product type."
        )

    @pytest.mark.parametrize("metric", ["saved", "likes"])
    async def test_story_refuses_feed_only_metrics(self, graph, sandbox, creator, metric):
        story = add_story(sandbox, creator.ig_id, age=timedelta(hours=10))
        response = await graph.get(f"{story.id}/insights", metric=metric)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 100

    async def test_album_children_have_no_insights(self, graph, sandbox, creator):
        album = next(m for m in sandbox.world.media_of(creator.ig_id) if m.media_type == "CAROUSEL_ALBUM")
        assert (await graph.get(f"{album.id}/insights", metric="reach")).status_code == 200
        response = await graph.get(f"{album.children[0]}/insights", metric="reach")
        assert response.json()["error"]["code"] == 100

    async def test_impressions_is_retired_on_v22(self, graph, feed_media):
        response = await graph.get(f"{feed_media.id}/insights", metric="impressions")
        assert "impressions metric is no longer supported" in response.json()["error"]["message"]

    async def test_old_versions_before_the_cut_over_match_the_recorded_shape(
        self, sandbox_client, sandbox, tokens, feed_media
    ):
        back_to = datetime(2025, 3, 1, tzinfo=UTC)
        await sandbox_client.post(
            "/_admin/clock/advance", json={"seconds": (back_to - sandbox.clock.now()).total_seconds()}
        )
        feed_media.timestamp = back_to - timedelta(days=3)
        graph = Graph(sandbox_client, tokens.user, version="v21.0")
        body = (await graph.get(f"{feed_media.id}/insights", metric="impressions,reach,saved")).json()
        assert_same_shape(fixture("instagram/apidata/medias/insights.json"), body)


class TestBreakdowns:
    async def test_dimension_values_are_lowercase(self, graph, feed_media):
        body = (
            await graph.get(f"{feed_media.id}/insights", metric="profile_activity", breakdown="action_type")
        ).json()
        assert_same_shape(fixture("instagram/apidata/medias/insights_new.json"), body)
        results = body["data"][0]["total_value"]["breakdowns"][0]["results"]
        assert all(v == v.lower() for r in results for v in r["dimension_values"])

    async def test_a_metric_without_breakdowns_gets_the_generic_error(self, graph, feed_media):
        response = await graph.get(f"{feed_media.id}/insights", metric="reach", breakdown="action_type")
        error = response.json()["error"]
        assert (error["code"], error["message"]) == (1, "An unknown error has occurred.")


class TestStories:
    async def test_story_navigation_breakdown(self, graph, sandbox, tokens):
        studio = next(i for i in tokens.ig_users if i != tokens.creator_ig)
        story = add_story(sandbox, studio, age=timedelta(hours=6))
        body = (
            await graph.get(
                f"{story.id}/insights", metric="navigation", breakdown="story_navigation_action_type"
            )
        ).json()
        results = body["data"][0]["total_value"]["breakdowns"][0]["results"]
        assert {r["dimension_values"][0] for r in results} <= {
            "swipe_forward",
            "tap_back",
            "tap_exit",
            "tap_forward",
        }

    async def test_fewer_than_5_viewers(self, graph, sandbox_client, sandbox, creator):
        await set_account(sandbox_client, creator.ig_id, followers_count=3)
        story = add_story(sandbox, creator.ig_id, age=timedelta(minutes=5))
        response = await graph.get(f"{story.id}/insights", metric="reach")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 10
        assert (
            response.json()["error"]["message"] == "(#10) Not enough viewers for the media to show insights"
        )

    async def test_only_within_24_hours(self, graph, sandbox, creator):
        story = add_story(sandbox, creator.ig_id, age=timedelta(hours=25))
        response = await graph.get(f"{story.id}/insights", metric="reach")
        assert response.json()["error"]["error_subcode"] == 33


class TestPageInsights:
    async def test_daily_page_metric_with_a_page_token(self, graph, creator):
        body = (
            await graph.get(
                f"{creator.page_id}/insights",
                metric="page_media_view",
                period="day",
                token=creator.page_token,
            )
        ).json()
        (metric,) = body["data"]
        assert metric["id"] == f"{creator.page_id}/insights/page_media_view/day"
        assert all({"value", "end_time"} == set(v) for v in metric["values"])

    async def test_removed_page_impressions(self, graph, creator):
        response = await graph.get(
            f"{creator.page_id}/insights", metric="page_impressions", period="day", token=creator.page_token
        )
        assert response.json()["error"]["message"] == "(#100) The value must be a valid insights metric"

    async def test_week_sums_seven_days(self, graph, creator):
        params = {"metric": "page_post_engagements", "token": creator.page_token}
        week = (await graph.get(f"{creator.page_id}/insights", period="week", **params)).json()
        day = (await graph.get(f"{creator.page_id}/insights", period="day", **params)).json()
        assert week["data"][0]["values"][0]["value"] > day["data"][0]["values"][0]["value"]
