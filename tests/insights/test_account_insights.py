"""GET /api/v1/instagram/accounts/{id}/insights on the sandbox: metric types, ranges, cache, snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from clipper.insights.models import InsightSnapshot
from clipper.insights.ranges import today
from clipper.kv import RedisStore

INSIGHTS_CALL = "GET /{id}/insights"
BATCH_CALL = "POST /"


def url(account_id: int) -> str:
    return f"/api/v1/instagram/accounts/{account_id}/insights"


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


def by_name(body: dict) -> dict[str, dict]:
    return {metric["name"]: metric for metric in body["metrics"]}


class TestMetricTypes:
    async def test_default_metrics_pick_their_metric_type(self, client, connect, calls):
        me = await connect()
        before = len(calls)
        response = await client.get(url(me.account_id), headers=me.headers)
        assert response.status_code == 200, response.text
        metrics = by_name(response.json())
        assert set(metrics) >= {"views", "reach", "accounts_engaged", "likes", "follower_count"}
        assert metrics["reach"]["metric_type"] == "time_series"
        assert metrics["views"]["metric_type"] == "total_value"
        assert metrics["follows_and_unfollows"]["metric_type"] == "total_value"
        assert len(metrics["reach"]["values"]) == 30
        assert metrics["reach"]["total"] == sum(point["value"] for point in metrics["reach"]["values"])
        assert metrics["likes"]["total"] > 0
        # One call per metric_type for a 30-day range: the time series, and one batch holding the
        # totals' range and each of their 30 days.
        assert (calls[before:].count(INSIGHTS_CALL), calls[before:].count(BATCH_CALL)) == (1, 1)
        assert response.json()["graph_calls"] == 2
        assert len(metrics["views"]["values"]) == 30

    async def test_retired_names_are_asked_as_views(self, client, connect):
        me = await connect()
        response = await client.get(
            url(me.account_id), params={"metrics": "impressions,plays,reach"}, headers=me.headers
        )
        assert response.status_code == 200, response.text
        assert [m["name"] for m in response.json()["metrics"]] == ["views", "reach"]

    async def test_an_unknown_metric_is_a_422_naming_it(self, client, connect, calls):
        me = await connect()
        response = await client.get(url(me.account_id), params={"metrics": "reach,bogus"}, headers=me.headers)
        assert response.status_code == 422
        assert "bogus" in response.json()["detail"]
        assert INSIGHTS_CALL not in calls

    @pytest.mark.parametrize(
        ("since", "until"), [(1, 2), (-3, -1)], ids=["since_after_until", "until_in_the_future"]
    )
    async def test_a_wrong_range_is_a_422(self, client, connect, since, until):
        me = await connect()
        params = {"since": days_ago(since), "until": days_ago(until)}
        response = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert response.status_code == 422


class TestDailyTotals:
    """Total-only metrics (views, likes …) as a daily series: one batched sub-request per missing day."""

    async def test_thirty_days_of_views_come_by_day_in_one_batch(self, client, connect, calls):
        me = await connect()
        before = len(calls)
        params = {"metrics": "views,total_interactions", "since": days_ago(29), "until": days_ago(0)}
        response = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert response.status_code == 200, response.text
        assert calls[before:] == [BATCH_CALL]
        for metric in by_name(response.json()).values():
            assert [p["date"] for p in metric["values"]] == [days_ago(n) for n in range(29, -1, -1)]
            assert metric["total"] == sum(p["value"] for p in metric["values"])

    async def test_finished_days_are_stored_and_answered_from_snapshots(
        self, client, connect, calls, session
    ):
        me = await connect()
        params = {"metrics": "likes", "since": days_ago(20), "until": days_ago(0)}
        first = by_name((await client.get(url(me.account_id), params=params, headers=me.headers)).json())
        stored = await session.scalars(
            select(InsightSnapshot).where(
                InsightSnapshot.account_id == me.account_id, InsightSnapshot.metric == "likes"
            )
        )
        assert len(stored.all()) == 20  # today is still filling up
        before = len(calls)
        params = {"metrics": "likes", "since": days_ago(20), "until": days_ago(1)}
        again = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert again.json()["source"] == "snapshots"
        assert by_name(again.json())["likes"]["values"] == first["likes"]["values"][:-1]
        assert calls[before:] == []

    @pytest.mark.parametrize("metric", ["likes", "reach"])
    async def test_a_one_day_range_has_that_day_s_value(self, client, connect, metric):
        """Never `since == until` (which the sandbox, like Meta's end_time rule, answers with no day)."""
        me = await connect()
        day = days_ago(3)
        params = {"metrics": metric, "since": day, "until": day}
        response = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert response.status_code == 200, response.text
        values = by_name(response.json())[metric]["values"]
        assert [point["date"] for point in values] == [day]
        assert values[0]["value"] > 0
        wider = {"metrics": metric, "since": days_ago(5), "until": days_ago(2)}
        around = by_name((await client.get(url(me.account_id), params=wider, headers=me.headers)).json())
        assert {p["date"]: p["value"] for p in around[metric]["values"]}[day] == values[0]["value"]

    async def test_only_the_missing_days_are_asked_for(self, client, connect, calls, session):
        me = await connect()
        known = [today() - timedelta(days=n) for n in (10, 9, 8)]
        session.add_all(
            InsightSnapshot(account_id=me.account_id, metric="views", day=d, value=7) for d in known
        )
        await session.flush()
        before = len(calls)
        params = {"metrics": "views", "since": days_ago(12), "until": days_ago(1)}
        response = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert response.json()["source"] == "mixed"
        values = {p["date"]: p["value"] for p in by_name(response.json())["views"]["values"]}
        assert len(values) == 12
        assert [values[d.isoformat()] for d in known] == [7, 7, 7]
        assert calls[before:] == [BATCH_CALL]

    async def test_sixty_days_take_two_batches_of_at_most_fifty(self, client, connect, calls):
        me = await connect()
        before = len(calls)
        params = {"metrics": "views", "since": days_ago(60), "until": days_ago(0)}
        response = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert response.status_code == 200, response.text
        # Three windows' totals (30 + 30 + 1 days, the last one being today itself) and 60 more days.
        assert calls[before:] == [BATCH_CALL, BATCH_CALL]
        assert response.json()["graph_calls"] == 2
        assert len(by_name(response.json())["views"]["values"]) == 61

    async def test_weeks_of_views_sum_their_days(self, client, connect):
        me = await connect()
        params = {"metrics": "views", "since": days_ago(27), "until": days_ago(0)}
        daily = by_name((await client.get(url(me.account_id), params=params, headers=me.headers)).json())
        weekly = await client.get(url(me.account_id), params=params | {"period": "week"}, headers=me.headers)
        days = [p["value"] for p in daily["views"]["values"]]
        assert [w["value"] for w in by_name(weekly.json())["views"]["values"]] == [
            sum(days[i : i + 7]) for i in range(0, 28, 7)
        ]


class TestPeriods:
    async def test_weeks_sum_the_days(self, client, connect):
        me = await connect()
        params = {"metrics": "reach", "since": days_ago(29), "until": days_ago(2)}
        daily = by_name((await client.get(url(me.account_id), params=params, headers=me.headers)).json())
        weekly = await client.get(url(me.account_id), params=params | {"period": "week"}, headers=me.headers)
        assert weekly.status_code == 200, weekly.text
        assert weekly.json()["period"] == "week"
        days = [p["value"] for p in daily["reach"]["values"]]
        weeks = by_name(weekly.json())["reach"]["values"]
        assert [w["value"] for w in weeks] == [sum(days[i : i + 7]) for i in range(0, 28, 7)]
        assert weeks[-1]["date"] == days_ago(2)

    async def test_an_unknown_period_is_a_422(self, client, connect):
        me = await connect()
        response = await client.get(url(me.account_id), params={"period": "fortnight"}, headers=me.headers)
        assert response.status_code == 422
        assert "week" in response.json()["detail"]


class TestLongRanges:
    async def test_sixty_days_back_take_three_calls_then_none(self, kv_backend, app, client, connect, calls):
        """The issue's "a 60-day insights range is fetched in three calls", exactly: one time-series
        metric (reach), from 60 days ago to today, both included (61 days: windows of 30 + 30 + 1)."""
        assert isinstance(app.state.resources.kv, RedisStore) == (kv_backend == "redis")
        me = await connect()
        params = {"metrics": "reach", "since": days_ago(60), "until": days_ago(0)}
        first = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert first.status_code == 200, first.text
        # 61 days (60 days back to today, both included) → windows of 30 + 30 + 1 days.
        assert calls.count(INSIGHTS_CALL) == 3
        assert first.json()["graph_calls"] == 3
        reach = by_name(first.json())["reach"]
        assert [p["date"] for p in reach["values"]] == [days_ago(n) for n in range(60, -1, -1)]

        again = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert again.json()["source"] == "cache"
        assert by_name(again.json())["reach"] == reach
        assert calls.count(INSIGHTS_CALL) == 3

    async def test_the_default_metrics_over_sixty_days_take_seven_calls(self, client, connect, calls):
        """All default metrics, 60 days ago to today: calls grow with metric types, never per metric.

        reach: 3 windows (30 + 30 + 1); follower_count, kept 30 days by Meta: 2 (30 + today); the nine
        total-only metrics share one set of sub-requests (3 windows + 60 single days = 63) → 2 batches.
        """
        me = await connect()
        before = len(calls)
        response = await client.get(
            url(me.account_id), params={"since": days_ago(60), "until": days_ago(0)}, headers=me.headers
        )
        assert response.status_code == 200, response.text
        made = calls[before:]
        assert (made.count(INSIGHTS_CALL), made.count(BATCH_CALL), len(made)) == (5, 2, 7)
        assert response.json()["graph_calls"] == 7
        metrics = by_name(response.json())
        assert len(metrics) == 11
        assert all(len(metrics[name]["values"]) == 61 for name in ("reach", "views", "likes", "shares"))

    async def test_finished_days_are_answered_from_snapshots(self, client, connect, calls, session):
        me = await connect()
        await client.get(
            url(me.account_id), params={"metrics": "reach", "since": days_ago(60)}, headers=me.headers
        )
        stored = await session.scalars(
            select(InsightSnapshot).where(InsightSnapshot.account_id == me.account_id)
        )
        assert len(stored.all()) == 60  # every finished day; today is still filling up
        before = calls.count(INSIGHTS_CALL)
        response = await client.get(
            url(me.account_id),
            params={"metrics": "reach", "since": days_ago(45), "until": days_ago(1)},
            headers=me.headers,
        )
        assert response.json()["source"] == "snapshots"
        assert len(by_name(response.json())["reach"]["values"]) == 45
        assert calls.count(INSIGHTS_CALL) == before

    async def test_totals_over_a_long_range_add_up_the_windows(self, client, connect):
        me = await connect()

        async def likes(since: int, until: int) -> int:
            params = {"metrics": "likes", "since": days_ago(since), "until": days_ago(until)}
            response = await client.get(url(me.account_id), params=params, headers=me.headers)
            assert response.status_code == 200, response.text
            return by_name(response.json())["likes"]["total"]

        whole = await likes(70, 1)
        assert whole == await likes(70, 41) + await likes(40, 11) + await likes(10, 1)

    async def test_history_older_than_metas_window_comes_from_snapshots(
        self, client, connect, calls, session
    ):
        me = await connect()
        old = [today() - timedelta(days=n) for n in range(200, 190, -1)]
        session.add_all(
            InsightSnapshot(account_id=me.account_id, metric="reach", day=d, value=7) for d in old
        )
        await session.flush()
        params = {"metrics": "reach", "since": old[0].isoformat(), "until": old[-1].isoformat()}
        response = await client.get(url(me.account_id), params=params, headers=me.headers)
        assert response.status_code == 200, response.text
        reach = by_name(response.json())["reach"]
        assert (reach["total"], len(reach["values"])) == (70, 10)
        assert INSIGHTS_CALL not in calls


class TestAccess:
    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        response = await client.get(url(owner.account_id), headers=other.headers)
        assert response.status_code == 404

    async def test_the_session_cookie_works_too(self, client, connect, browser_login):
        me = await connect()
        browser = await browser_login(client, me.email, me.password)
        response = await client.get(url(me.account_id), params={"metrics": "reach"}, headers=browser.headers)
        assert response.status_code == 200, response.text

    async def test_anonymous_is_a_401(self, client, connect):
        me = await connect()
        assert (await client.get(url(me.account_id))).status_code == 401

    async def test_without_the_insights_permission_is_a_409_naming_it(self, client, connect, calls):
        me = await connect(untick=("instagram_manage_insights",))
        response = await client.get(url(me.account_id), headers=me.headers)
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_insights"
        assert "instagram_manage_insights" in response.json()["detail"]
        assert INSIGHTS_CALL not in calls

    async def test_a_permission_refused_by_meta_is_a_409_too(self, client, connect):
        me = await connect()
        await client.post(
            "/sandbox/_admin/faults",
            json={"path": "insights$", "code": 200, "message": "(#200) Requires instagram_manage_insights"},
        )
        response = await client.get(url(me.account_id), headers=me.headers)
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_insights"

    async def test_a_throttled_account_is_a_429(self, client, connect):
        me = await connect()
        await client.post("/sandbox/_admin/ratelimit", json={"throttle": 80002, "regain_minutes": 5})
        response = await client.get(url(me.account_id), headers=me.headers)
        assert response.status_code == 429
        assert response.json()["error"] == "TooManyRequests"
