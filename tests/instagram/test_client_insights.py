"""Insights: retired metric names mapped with a warning, metric_type chosen and split per call."""

from __future__ import annotations

import logging

import httpx
import pytest

from clipper.instagram import RequestValidationError

IG = "17841400000000001"


def answer(request):
    metrics = request.url.params["metric"].split(",")
    total = request.url.params.get("metric_type") == "total_value"
    data = []
    for name in metrics:
        item = {
            "name": name,
            "period": request.url.params.get("period", "lifetime"),
            "id": f"{IG}/insights/{name}/day",
        }
        if total:
            item["total_value"] = {"value": 7}
        else:
            item["values"] = [{"value": 3, "end_time": "2025-01-11T08:00:00+0000"}]
        data.append(item)
    return httpx.Response(200, json={"data": data})


@pytest.fixture
def calls():
    return []


@pytest.fixture
def client(make_client, calls):
    return make_client(lambda r: calls.append(dict(r.url.params)) or answer(r))


class TestAccountInsights:
    async def test_the_seed_example_works_on_v24(self, client, calls, caplog):
        caplog.set_level(logging.WARNING)
        insights = await client.get_account_insights(
            ig_account_id="123456789", metrics=["impressions", "reach", "profile_views"], period="day"
        )
        assert [m.name for m in insights] == ["views", "reach"]
        assert insights[0].value == 7
        assert insights[1].values[0].end_time.day == 11
        assert {(c["metric"], c.get("metric_type")) for c in calls} == {
            ("views", "total_value"),
            ("reach", None),
        }
        assert "'impressions' is retired" in caplog.text
        assert "'profile_views' is retired" in caplog.text

    async def test_one_call_when_every_metric_is_the_same_kind(self, client, calls):
        await client.get_account_insights(IG, ["likes", "comments", "shares"])
        assert calls == [{"metric": "likes,comments,shares", "period": "day", "metric_type": "total_value"}]

    async def test_an_explicit_metric_type_is_kept(self, client, calls):
        await client.get_account_insights(IG, ["reach", "follower_count"], metric_type="time_series")
        assert len(calls) == 1
        assert calls[0]["metric_type"] == "time_series"

    async def test_a_breakdown_goes_with_total_value(self, client, calls):
        await client.get_account_insights(
            IG, ["reach", "follower_count"], breakdown="follow_type", since=1, until=2
        )
        total, series = calls
        assert (total["metric"], total["breakdown"], total["metric_type"]) == (
            "reach",
            "follow_type",
            "total_value",
        )
        assert series == {"metric": "follower_count", "period": "day", "since": "1", "until": "2"}

    async def test_no_metric_is_refused(self, client, calls):
        with pytest.raises(RequestValidationError):
            await client.get_account_insights(IG, [])
        assert calls == []


class TestMediaInsights:
    async def test_the_seed_example_maps_retired_names(self, client, calls):
        insights = await client.get_media_insights(
            media_id="987654321", metrics=["engagement", "impressions", "reach", "saved"]
        )
        assert calls == [{"metric": "total_interactions,views,reach,saved"}]
        assert [m.name for m in insights] == ["total_interactions", "views", "reach", "saved"]

    async def test_reel_play_counts_become_one_views(self, client, calls):
        await client.get_media_insights(
            "1", ["plays", "ig_reels_aggregated_all_plays_count", "clips_replays_count", "video_views"]
        )
        assert calls == [{"metric": "views"}]

    async def test_story_defaults(self, client, calls):
        await client.get_story_insights("1")
        assert calls[0]["metric"] == "views,reach,replies,shares,total_interactions,navigation,follows"

    async def test_page_insights(self, client, calls):
        insights = await client.get_page_insights("2121008874780932", ["page_media_view"], period="week")
        assert calls == [{"metric": "page_media_view", "period": "week"}]
        assert insights[0].value == 3


class TestOlderVersions:
    async def test_names_retired_by_date_are_mapped_on_every_version(self, make_client, calls):
        client = make_client(lambda r: calls.append(dict(r.url.params)) or answer(r), api_version="v21.0")
        await client.get_media_insights("1", ["impressions", "reach"])
        assert calls == [{"metric": "views,reach"}]
