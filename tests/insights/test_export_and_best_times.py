"""GET …/insights/export.csv and GET …/best-times against the sandbox's seeded account."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from clipper.insights.posts import POST_METRICS
from clipper.insights.ranges import day_of, today

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def export_url(account_id: int) -> str:
    return f"/api/v1/instagram/accounts/{account_id}/insights/export.csv"


def best_url(account_id: int) -> str:
    return f"/api/v1/instagram/accounts/{account_id}/best-times"


def seeded_posts(sandbox, ig_id: str, days: int):
    first = today() - timedelta(days=days - 1)
    return [m for m in sandbox.world.media_of(ig_id) if day_of(m.timestamp) >= first]


class TestExport:
    async def test_account_days_totals_and_every_post(self, client, connect, sandbox):
        me = await connect()
        since = (today() - timedelta(days=29)).isoformat()
        response = await client.get(export_url(me.account_id), params={"since": since}, headers=me.headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        reach_days = [r for r in rows if r["scope"] == "account_day" and r["metric"] == "reach"]
        assert len(reach_days) == 30
        totals = {r["metric"]: int(r["value"]) for r in rows if r["scope"] == "account_total"}
        assert totals["reach"] == sum(int(r["value"]) for r in reach_days)
        assert totals["likes"] > 0

        posts = {r["media_id"] for r in rows if r["scope"] == "post"}
        seeded = seeded_posts(sandbox, me.ig_id, 30)
        assert posts == {m.id for m in seeded}
        image = next(m for m in seeded if m.media_type == "IMAGE")
        likes = next(r for r in rows if r["media_id"] == image.id and r["metric"] == "likes")
        assert int(likes["value"]) == image.like_count
        assert likes["permalink"] == image.permalink
        assert {r["metric"] for r in rows if r["media_id"] == image.id} == set(POST_METRICS)

    async def test_a_range_before_any_post_has_only_account_rows(self, client, connect):
        me = await connect()
        params = {
            "since": (today() - timedelta(days=80)).isoformat(),
            "until": (today() - timedelta(days=60)).isoformat(),
        }
        response = await client.get(export_url(me.account_id), params=params, headers=me.headers)
        assert response.status_code == 200, response.text
        scopes = {row["scope"] for row in csv.DictReader(io.StringIO(response.text))}
        assert scopes == {"account_day", "account_total"}

    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        assert (await client.get(export_url(owner.account_id), headers=other.headers)).status_code == 404


class TestBestTimes:
    async def test_three_hours_a_weekday_with_their_evidence(self, client, connect, sandbox):
        me = await connect()
        response = await client.get(best_url(me.account_id), headers=me.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        online = (
            await client.get(
                f"/api/v1/instagram/accounts/{me.account_id}/insights/online-followers", headers=me.headers
            )
        ).json()
        assert [r["weekday"] for r in body["recommendations"]] == list(WEEKDAYS)
        for day in body["recommendations"]:
            assert len(day["hours"]) == 3
            scores = [h["score"] for h in day["hours"]]
            assert scores == sorted(scores, reverse=True)
            for hour in day["hours"]:
                assert hour["online_followers"] == online["by_weekday"][day["weekday"]][str(hour["hour"])]
        seeded = seeded_posts(sandbox, me.ig_id, 91)
        assert body["evidence"]["posts_analyzed"] == len(seeded)
        assert body["evidence"]["posts_with_engagement"] == len(seeded)
        assert body["evidence"]["online_followers_days"] == 30

    async def test_a_post_at_a_recommended_hour_is_counted_there(self, client, connect, sandbox):
        me = await connect()
        body = (await client.get(best_url(me.account_id), headers=me.headers)).json()
        recommended = {
            (day["weekday"], h["hour"]): h for day in body["recommendations"] for h in day["hours"]
        }
        posted = [
            (WEEKDAYS[m.timestamp.weekday()], m.timestamp.hour) for m in seeded_posts(sandbox, me.ig_id, 91)
        ]
        for slot, hour in recommended.items():
            assert hour["posts"] == posted.count(slot)
            assert (hour["avg_engagement_rate"] is None) == (hour["posts"] == 0)

    async def test_hours_follow_the_time_zone(self, client, connect):
        me = await connect()
        online = (
            await client.get(
                f"/api/v1/instagram/accounts/{me.account_id}/insights/online-followers", headers=me.headers
            )
        ).json()["by_weekday"]
        tokyo = (
            await client.get(best_url(me.account_id), params={"tz": "Asia/Tokyo"}, headers=me.headers)
        ).json()
        assert tokyo["timezone"] == "Asia/Tokyo"
        for weekday, day in enumerate(tokyo["recommendations"]):
            for hour in day["hours"]:
                utc_slot = weekday * 24 + hour["hour"] - 9
                utc_day, utc_hour = WEEKDAYS[(utc_slot // 24) % 7], utc_slot % 24
                assert hour["online_followers"] == online[utc_day][str(utc_hour)]

    async def test_an_unknown_time_zone_is_a_422(self, client, connect):
        me = await connect()
        response = await client.get(
            best_url(me.account_id), params={"tz": "Mars/Olympus"}, headers=me.headers
        )
        assert response.status_code == 422

    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        assert (await client.get(best_url(owner.account_id), headers=other.headers)).status_code == 404
