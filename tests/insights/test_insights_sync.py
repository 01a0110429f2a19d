"""The periodic snapshot pass: what one account stores, how accounts are spread, rate limits respected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from clipper.accounts.models import Account
from clipper.insights import sync
from clipper.insights.access import Services
from clipper.insights.catalogue import ACCOUNT_METRICS
from clipper.insights.models import InsightSnapshot
from clipper.insights.ranges import day_start, today

INSIGHTS_CALL = "GET /{id}/insights"


def services_of(app) -> Services:
    return Services(graph=app.state.graph, cipher=app.state.cipher, kv=app.state.kv)


def at_hour(hour: int) -> datetime:
    return datetime(2026, 11, 26, hour, 30, tzinfo=UTC)


class TestSnapshotAccount:
    async def test_stores_the_last_two_days_and_answers_from_them(self, app, client, connect, session, calls):
        me = await connect()
        account = await session.get_one(Account, me.account_id)
        await sync.snapshot_account(session, account=account, services=services_of(app))
        stored = await session.scalars(
            select(InsightSnapshot.metric).where(InsightSnapshot.account_id == me.account_id).distinct()
        )
        assert set(stored) == {*ACCOUNT_METRICS, "online_followers"}
        await session.commit()

        before = calls.count(INSIGHTS_CALL)
        params = {
            "since": (today() - timedelta(days=2)).isoformat(),
            "until": (today() - timedelta(days=1)).isoformat(),
        }
        url = f"/api/v1/instagram/accounts/{me.account_id}/insights"
        response = await client.get(url, params=params, headers=me.headers)
        assert response.json()["source"] == "snapshots"
        assert calls.count(INSIGHTS_CALL) == before
        from_snapshots = {m["name"]: m["total"] for m in response.json()["metrics"]}

        graph = app.state.graph.with_token(app.state.cipher.decrypt(account.page_access_token_enc))
        first, last = today() - timedelta(days=2), today() - timedelta(days=1)
        live = await graph.get_account_insights(
            me.ig_id, ["likes", "views"], "day", since=day_start(first), until=day_start(last)
        )
        assert {m.name: m.value for m in live} == {n: from_snapshots[n] for n in ("likes", "views")}


class TestSpreading:
    async def test_each_account_has_one_hour_of_the_day(self, app, connect, session_factory, session):
        me = await connect()
        account_id = me.account_id
        other_hour = (account_id + 5) % 24
        idle = await sync.snapshot_due_accounts(
            session_factory, services=services_of(app), now=at_hour(other_hour)
        )
        assert idle.accounts == 0
        done = await sync.snapshot_due_accounts(
            session_factory, services=services_of(app), now=at_hour(account_id % 24)
        )
        assert done.accounts == 1
        count = await session.scalar(
            select(func.count()).select_from(InsightSnapshot).where(InsightSnapshot.account_id == account_id)
        )
        assert count > 0

    async def test_the_periodic_job_is_registered(self, app, client) -> None:
        del client
        await app.state.worker.run_periodic_once("insights.snapshot")  # no account is due: nothing to do

    def test_due_spreads_ids_over_the_day(self) -> None:
        hours = [sync.due(list(range(48)), at_hour(h)) for h in range(24)]
        assert all(len(ids) == 2 for ids in hours)
        assert sorted(i for ids in hours for i in ids) == list(range(48))


class TestRateLimit:
    async def test_a_throttled_pass_stops_and_leaves_the_rest(self, app, client, connect, session_factory):
        await connect()
        await connect(username="sandbox.studio")
        await client.post("/sandbox/_admin/ratelimit", json={"throttle": 80002, "regain_minutes": 5})
        report = await sync.capture_all_stories(session_factory, services=services_of(app))
        assert report.stopped_by_rate_limit
        assert (report.accounts, report.failed) == (0, 0)
