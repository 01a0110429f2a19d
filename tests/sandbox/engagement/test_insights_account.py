"""Account insights over HTTP (GRAPH_API.md §7.1, §7.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from tests.sandbox.engagement.engagement_helpers import Graph, fixture, token_with
from tests.sandbox.shapes import assert_same_shape


def window(sandbox, days: int) -> dict[str, str]:
    now = sandbox.clock.now()
    return {"since": str(int((now - timedelta(days=days)).timestamp())), "until": str(int(now.timestamp()))}


async def set_account(client, ig_id: str, **body) -> None:
    assert (await client.patch(f"/_admin/engagement/accounts/{ig_id}", json=body)).status_code == 200


class TestTimeSeries:
    async def test_defaults_to_the_last_24_hours(self, graph, creator):
        body = (await graph.get(f"{creator.ig_id}/insights", metric="reach", period="day")).json()
        (reach,) = body["data"]
        assert reach["id"] == f"{creator.ig_id}/insights/reach/day"
        assert len(reach["values"]) == 2
        assert all(v["end_time"].endswith("T08:00:00+0000") for v in reach["values"])

    async def test_one_value_per_day_inclusive(self, graph, creator, sandbox):
        body = (
            await graph.get(f"{creator.ig_id}/insights", metric="reach", period="day", **window(sandbox, 7))
        ).json()
        assert len(body["data"][0]["values"]) == 8

    async def test_numbers_are_stable_across_calls(self, graph, creator, sandbox):
        params = {"metric": "reach", "period": "day", **window(sandbox, 10)}
        first = (await graph.get(f"{creator.ig_id}/insights", **params)).json()
        second = (await graph.get(f"{creator.ig_id}/insights", **params)).json()
        assert first["data"] == second["data"]

    async def test_bigger_accounts_get_bigger_numbers(self, graph, tokens, sandbox):
        studio = next(i for i in tokens.ig_users if i != tokens.creator_ig)
        params = {"metric": "reach", "period": "day", **window(sandbox, 10)}

        async def total(ig_id):
            body = (await graph.get(f"{ig_id}/insights", **params)).json()
            return sum(v["value"] for v in body["data"][0]["values"])

        assert await total(studio) > 10 * await total(tokens.creator_ig)

    async def test_follower_count_excludes_today(self, graph, creator, sandbox):
        body = (
            await graph.get(
                f"{creator.ig_id}/insights", metric="follower_count", period="day", **window(sandbox, 3)
            )
        ).json()
        assert len(body["data"][0]["values"]) == 3

    async def test_paging_moves_the_window(self, graph, creator, sandbox):
        params = window(sandbox, 2)
        body = (await graph.get(f"{creator.ig_id}/insights", metric="reach", period="day", **params)).json()
        nxt = parse_qs(urlsplit(body["paging"]["next"]).query)
        prev = parse_qs(urlsplit(body["paging"]["previous"]).query)
        assert int(nxt["since"][0]) == int(params["until"])
        assert int(prev["until"][0]) == int(params["since"])

    async def test_online_followers_by_hour(self, graph, creator):
        body = (
            await graph.get(f"{creator.ig_id}/insights", metric="online_followers", period="lifetime")
        ).json()
        value = body["data"][0]["values"][0]["value"]
        assert sorted(value, key=int) == [str(h) for h in range(24)]


class TestErrors:
    async def test_total_value_is_required_for_views(self, graph, creator):
        response = await graph.get(f"{creator.ig_id}/insights", metric="views,likes", period="day")
        assert response.status_code == 400
        assert response.json()["error"]["message"] == (
            "(#100) The following metrics (views,likes) should be specified with parameter "
            "metric_type=total_value"
        )

    async def test_follower_count_is_incompatible_with_total_value(self, graph, creator):
        response = await graph.get(
            f"{creator.ig_id}/insights", metric="follower_count", period="day", metric_type="total_value"
        )
        assert response.json()["error"]["message"] == (
            "(#100) The following metric (follower_count) is incompatible with the metric type (total_value)"
        )

    async def test_31_days_is_too_long(self, graph, creator, sandbox):
        response = await graph.get(
            f"{creator.ig_id}/insights", metric="reach", period="day", **window(sandbox, 31)
        )
        error = response.json()["error"]
        assert (response.status_code, error["code"]) == (400, 100)
        assert (
            error["message"] == "(#100) There cannot be more than 30 days (2592000 s) between since and until"
        )

    async def test_impressions_is_retired_on_v22(self, sandbox_client, tokens, creator):
        graph = Graph(sandbox_client, tokens.user, version="v22.0")
        response = await graph.get(f"{creator.ig_id}/insights", metric="impressions", period="day")
        assert response.json()["error"]["message"].startswith(
            "(#100) Starting from version 22 and above, the impressions metric is no longer supported"
        )

    async def test_needs_the_insights_permission(self, graph, sandbox_client, creator):
        scopes = [p for p in PRODUCT_PERMISSIONS if "insights" not in p]
        token = await token_with(sandbox_client, scopes)
        response = await graph.get(f"{creator.ig_id}/insights", metric="reach", period="day", token=token)
        assert response.json()["error"]["message"] == "(#200) Requires instagram_manage_insights permission"


class TestRetiredMetricsOnOldVersions:
    async def test_v20_before_the_cut_over_answers_the_recorded_shape(
        self, sandbox_client, sandbox, tokens, creator
    ):
        back_to = datetime(2024, 12, 1, 12, tzinfo=UTC)
        await sandbox_client.post(
            "/_admin/clock/advance", json={"seconds": (back_to - sandbox.clock.now()).total_seconds()}
        )
        graph = Graph(sandbox_client, tokens.user, version="v20.0")
        body = (
            await graph.get(
                f"{creator.ig_id}/insights", metric="impressions,reach,profile_views", period="day"
            )
        ).json()
        assert [m["name"] for m in body["data"]] == ["impressions", "reach", "profile_views"]
        assert_same_shape(fixture("instagram/apidata/users/user_insights.json"), body, ignore=("$.paging",))


class TestTotalValue:
    async def test_breakdowns_match_the_recorded_shape(self, graph, creator, sandbox):
        body = (
            await graph.get(
                f"{creator.ig_id}/insights",
                metric="reach",
                period="day",
                metric_type="total_value",
                breakdown="media_product_type,follow_type",
                **window(sandbox, 14),
            )
        ).json()
        assert_same_shape(fixture("instagram/apidata/users/user_insights_new.json"), body)
        block = body["data"][0]["total_value"]
        assert sum(r["value"] for r in block["breakdowns"][0]["results"]) == block["value"]

    async def test_total_equals_the_sum_of_the_days(self, graph, creator, sandbox):
        params = {"metric": "reach", "period": "day", **window(sandbox, 5)}
        series = (await graph.get(f"{creator.ig_id}/insights", **params)).json()["data"][0]["values"]
        total = (await graph.get(f"{creator.ig_id}/insights", metric_type="total_value", **params)).json()
        assert total["data"][0]["total_value"]["value"] == sum(v["value"] for v in series)


class TestDemographics:
    async def test_top_45_buckets_with_string_values(self, graph, creator):
        body = (
            await graph.get(
                f"{creator.ig_id}/insights",
                metric="follower_demographics",
                period="lifetime",
                metric_type="total_value",
                breakdown="city",
                timeframe="last_30_days",
            )
        ).json()
        results = body["data"][0]["total_value"]["breakdowns"][0]["results"]
        assert len(results) == 45
        assert all(isinstance(v, str) for r in results for v in r["dimension_values"])
        values = [r["value"] for r in results]
        assert values == sorted(values, reverse=True)

    async def test_gender_values(self, graph, creator):
        body = (
            await graph.get(
                f"{creator.ig_id}/insights",
                metric="engaged_audience_demographics",
                period="lifetime",
                metric_type="total_value",
                breakdown="gender",
                timeframe="this_month",
            )
        ).json()
        results = body["data"][0]["total_value"]["breakdowns"][0]["results"]
        assert {r["dimension_values"][0] for r in results} <= {"F", "M", "U"}


class TestSmallAccounts:
    async def test_fewer_than_100_followers_gives_empty_data(self, graph, sandbox_client, creator, sandbox):
        await set_account(sandbox_client, creator.ig_id, followers_count=80)
        body = (
            await graph.get(
                f"{creator.ig_id}/insights", metric="follower_count", period="day", **window(sandbox, 3)
            )
        ).json()
        assert body == {"data": []}

    async def test_accounts_without_insights_give_empty_data(self, graph, sandbox_client, creator):
        await set_account(sandbox_client, creator.ig_id, insights_enabled=False)
        body = (await graph.get(f"{creator.ig_id}/insights", metric="reach", period="day")).json()
        assert body == {"data": []}
