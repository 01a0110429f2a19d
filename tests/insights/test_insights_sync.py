"""The periodic snapshot pass: what one account stores, how accounts are spread, rate limits respected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from clipper.accounts.models import Account, AccountHealth
from clipper.insights import sync
from clipper.insights.cache import Services
from clipper.insights.catalogue import ACCOUNT_METRICS
from clipper.insights.models import InsightSnapshot
from clipper.insights.ranges import day_start, today, window_end

INSIGHTS_CALL = "GET /{id}/insights"
BATCH_CALL = "POST /"


def services_of(app) -> Services:
    return Services(
        graph=app.state.resources.graph,
        cipher=app.state.resources.cipher,
        factory=app.state.resources.session_factory,
        kv=app.state.resources.kv,
    )


def at_hour(hour: int) -> datetime:
    return datetime(2026, 11, 26, hour, 30, tzinfo=UTC)


async def snapshot(app, session_factory, account_id: int) -> None:
    """The periodic pass at the account's hour of the day."""
    done = await sync.snapshot_due_accounts(
        session_factory, services=services_of(app), now=at_hour(account_id % 24)
    )
    assert (done.accounts, done.failed) == (1, 0)


class TestSnapshotAccount:
    async def test_stores_the_last_two_days_and_answers_from_them(
        self, app, client, connect, session, session_factory, calls
    ):
        me = await connect()
        account = await session.get_one(Account, me.account_id)
        await snapshot(app, session_factory, me.account_id)
        stored = await session.scalars(
            select(InsightSnapshot.metric).where(InsightSnapshot.account_id == me.account_id).distinct()
        )
        assert set(stored) == {*ACCOUNT_METRICS, "online_followers", sync.BACKFILLED}

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

        graph = app.state.resources.graph.with_token(
            app.state.resources.cipher.decrypt(account.page_access_token_enc)
        )
        first, last = today() - timedelta(days=2), today() - timedelta(days=1)
        live = await graph.get_account_insights(
            me.ig_id, ["likes", "views"], "day", since=day_start(first), until=window_end(last)
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

    async def test_a_throttled_snapshot_pass_stops_too(self, app, client, connect, session_factory):
        me = await connect()
        await client.post("/sandbox/_admin/ratelimit", json={"throttle": 80002, "regain_minutes": 5})
        report = await sync.snapshot_due_accounts(
            session_factory, services=services_of(app), now=at_hour(me.account_id % 24)
        )
        assert report.stopped_by_rate_limit
        assert (report.accounts, report.failed) == (0, 0)

    async def test_a_refused_token_marks_the_account_and_stores_nothing(
        self, app, client, connect, session_factory, session
    ):
        me = await connect()
        account = await session.get_one(Account, me.account_id)
        token = app.state.resources.cipher.decrypt(account.page_access_token_enc)
        await client.post("/sandbox/_admin/tokens/invalidate", json={"token": token, "subcode": 463})
        report = await sync.snapshot_due_accounts(
            session_factory, services=services_of(app), now=at_hour(me.account_id % 24)
        )
        assert (report.accounts, report.failed) == (0, 1)
        await session.refresh(account)
        assert account.health_status != AccountHealth.HEALTHY
        assert account.health_reason
        assert await stored_days(session, me.account_id, "reach") == []


async def stored_days(session, account_id: int, metric: str) -> list:
    rows = await session.scalars(
        select(InsightSnapshot.day)
        .where(InsightSnapshot.account_id == account_id, InsightSnapshot.metric == metric)
        .order_by(InsightSnapshot.day)
    )
    return list(rows)


class TestBackfill:
    """The first snapshot copies the 90 days Meta still holds (≤ 30-day windows), once."""

    async def test_the_first_snapshot_copies_metas_history_then_only_the_last_days(
        self, app, connect, session_factory, session, calls
    ):
        me = await connect()
        now = at_hour(me.account_id % 24)
        before = len(calls)
        first = await sync.snapshot_due_accounts(session_factory, services=services_of(app), now=now)
        assert (first.accounts, first.failed) == (1, 0)
        made = calls[before:]
        # reach & co: 3 windows of 30 days; follower_count (30 days kept): 1; online_followers: 1;
        # the total-only metrics: 3 windows + 90 single days = 93 sub-requests → 2 batches.
        assert (made.count(INSIGHTS_CALL), made.count(BATCH_CALL), len(made)) == (5, 2, 7)
        yesterday = today() - timedelta(days=1)
        retained = [today() - timedelta(days=n) for n in range(90, 0, -1)]
        assert await stored_days(session, me.account_id, "reach") == retained
        assert await stored_days(session, me.account_id, "views") == retained
        assert await stored_days(session, me.account_id, "follower_count") == retained[-30:]
        assert len(await stored_days(session, me.account_id, "online_followers")) == 30
        assert retained[-1] == yesterday

        before = len(calls)
        again = await sync.snapshot_due_accounts(session_factory, services=services_of(app), now=now)
        assert (again.accounts, again.failed) == (1, 0)
        # Only the two settling days: one time-series call and one batch.
        assert calls[before:].count(INSIGHTS_CALL) == 1
        assert calls[before:].count(BATCH_CALL) == 1
        assert len(calls[before:]) == 2

    async def test_a_day_meta_never_answered_for_does_not_restart_the_backfill(
        self, app, connect, session_factory, session, calls
    ):
        me = await connect()
        await snapshot(app, session_factory, me.account_id)
        oldest = today() - timedelta(days=90)
        assert (await stored_days(session, me.account_id, "reach"))[0] == oldest
        # As if Meta had had no number for the oldest day it retains (a young account, a boundary shift).
        await session.execute(
            delete(InsightSnapshot).where(
                InsightSnapshot.account_id == me.account_id,
                InsightSnapshot.metric.in_(["reach", "views"]),
                InsightSnapshot.day == oldest,
            )
        )
        await session.commit()
        for _ in range(2):
            before = len(calls)
            await snapshot(app, session_factory, me.account_id)
            # Only the two settling days: one time-series call and one batch.
            assert (calls[before:].count(INSIGHTS_CALL), calls[before:].count(BATCH_CALL)) == (1, 1)
        reach = await stored_days(session, me.account_id, "reach")
        assert (len(reach), reach[0]) == (89, oldest + timedelta(days=1))
        assert await stored_days(session, me.account_id, sync.BACKFILLED) == [today()]
