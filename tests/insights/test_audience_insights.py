"""Audience demographics, online followers and Page insights against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clipper.insights.ranges import today

ONLINE_CALL = "GET /{id}/insights"


def base(account_id: int) -> str:
    return f"/api/v1/instagram/accounts/{account_id}/insights"


class TestDemographics:
    @pytest.mark.parametrize("breakdown", ["age", "city", "country", "gender"])
    async def test_each_breakdown(self, client, connect, breakdown):
        me = await connect()
        response = await client.get(
            f"{base(me.account_id)}/audience", params={"breakdown": breakdown}, headers=me.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["breakdown"] == breakdown
        assert 0 < len(body["buckets"]) <= 45
        values = [bucket["value"] for bucket in body["buckets"]]
        assert values == sorted(values, reverse=True)
        assert sum(values) <= body["total"]

    async def test_gender_buckets_are_metas_letters(self, client, connect):
        me = await connect()
        response = await client.get(
            f"{base(me.account_id)}/audience", params={"breakdown": "gender"}, headers=me.headers
        )
        assert {tuple(b["dimensions"]) for b in response.json()["buckets"]} <= {("F",), ("M",), ("U",)}

    async def test_an_unknown_breakdown_is_a_422(self, client, connect):
        me = await connect()
        response = await client.get(
            f"{base(me.account_id)}/audience", params={"breakdown": "shoe_size"}, headers=me.headers
        )
        assert response.status_code == 422
        assert "age" in response.json()["detail"]

    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        response = await client.get(f"{base(owner.account_id)}/audience", headers=other.headers)
        assert response.status_code == 404


class TestOnlineFollowers:
    async def test_thirty_days_by_hour_and_weekday_then_stored(self, client, connect, calls):
        me = await connect()
        first = await client.get(f"{base(me.account_id)}/online-followers", headers=me.headers)
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["days"] == 30
        assert set(body["hourly"]) == {str(h) for h in range(24)}
        assert len(body["by_weekday"]) == 7
        assert calls.count(ONLINE_CALL) == 1
        again = await client.get(f"{base(me.account_id)}/online-followers", headers=me.headers)
        assert again.json()["source"] == "snapshots"
        assert again.json()["hourly"] == body["hourly"]
        assert calls.count(ONLINE_CALL) == 1

    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        response = await client.get(f"{base(owner.account_id)}/online-followers", headers=other.headers)
        assert response.status_code == 404


class TestPageInsights:
    async def test_daily_page_metrics(self, client, connect):
        me = await connect()
        since = (today() - timedelta(days=13)).isoformat()
        response = await client.get(
            f"{base(me.account_id)}/page", params={"since": since}, headers=me.headers
        )
        assert response.status_code == 200, response.text
        metrics = {m["name"]: m for m in response.json()["metrics"]}
        assert len(metrics["page_media_view"]["values"]) == 14
        views = metrics["page_media_view"]
        assert views["total"] == sum(p["value"] for p in views["values"])
        follows = metrics["page_follows"]
        assert follows["total"] == follows["values"][-1]["value"]

    async def test_an_unknown_page_metric_is_a_422(self, client, connect):
        me = await connect()
        response = await client.get(
            f"{base(me.account_id)}/page", params={"metrics": "page_fans"}, headers=me.headers
        )
        assert response.status_code == 422

    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        assert (await client.get(f"{base(owner.account_id)}/page", headers=other.headers)).status_code == 404
