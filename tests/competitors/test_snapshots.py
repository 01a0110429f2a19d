"""The daily snapshot pass: history over days as the sandbox's numbers move, bounded work, kept errors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from clipper.accounts.graph import AccountGraph
from clipper.competitors import snapshots
from clipper.competitors.models import Competitor
from clipper.db import utcnow
from tests.competitors.conftest import track


async def run_pass(app, *, days_later: int, per_tick: int = 5) -> snapshots.PassReport:
    resources = app.state.resources
    return await snapshots.snapshot_due_accounts(
        resources.session_factory,
        AccountGraph.of(resources),
        now=utcnow() + timedelta(days=days_later, minutes=1),
        accounts_per_tick=per_tick,
        posts=resources.settings.competitors_recent_posts,
    )


class TestHistory:
    async def test_two_passes_keep_two_days_of_changing_figures(self, app, client, owner):
        me = await owner(username="sandbox.creator")
        await track(client, me, "rival.studio")
        nothing = await run_pass(app, days_later=0)
        assert nothing.accounts == 0  # just checked when added: not due before a day has passed

        first = await run_pass(app, days_later=1)
        assert (first.accounts, first.snapshots, first.failed) == (1, 2, [])
        patched = await client.patch(
            "/sandbox/_admin/discovery/accounts/rival.studio", json={"followers_count": 13_000}
        )
        assert patched.status_code == 200
        posted = await client.post(
            "/sandbox/_admin/discovery/accounts/rival.studio/media",
            json={"like_count": 9_000, "comments_count": 90},
        )
        assert posted.status_code == 200
        second = await run_pass(app, days_later=2)
        assert (second.accounts, second.snapshots) == (1, 2)

        series = (await client.get(me.url("/history"), headers=me.headers)).json()["series"]
        own, rival = series
        assert own["is_own"]
        assert own["username"] == "sandbox.creator"
        assert [p["followers_count"] for p in own["points"]] == [1_250, 1_250, 1_250]
        assert [p["followers_count"] for p in rival["points"]] == [12_400, 12_400, 13_000]
        assert [p["media_count"] for p in rival["points"]] == [6, 6, 7]
        days = [p["day"] for p in rival["points"]]
        assert days == sorted(days)
        assert len(set(days)) == 3
        assert rival["points"][2]["avg_likes"] > rival["points"][1]["avg_likes"]

        rows = (await client.get(me.url("/comparison"), headers=me.headers)).json()["rows"]
        assert rows[1]["latest"]["followers_count"] == 13_000
        assert rows[0]["latest"]["posts_sampled"] > 0


class TestBoundedWork:
    async def test_a_tick_takes_at_most_its_share_of_accounts(self, app, client, owner):
        first = await owner()
        second = await owner()
        await track(client, first, "rival.studio")
        await track(client, second, "daily.frames")
        one = await run_pass(app, days_later=1, per_tick=1)
        assert one.accounts == 1
        other = await run_pass(app, days_later=1, per_tick=1)
        assert other.accounts == 1
        done = await run_pass(app, days_later=1, per_tick=1)
        assert done.accounts == 0


class TestRefusals:
    async def test_an_account_gone_personal_keeps_its_error_and_the_rest_goes_on(
        self, app, client, owner, session
    ):
        me = await owner()
        await track(client, me, "rival.studio")
        await track(client, me, "daily.frames")
        await client.patch(
            "/sandbox/_admin/discovery/accounts/rival.studio", json={"account_type": "PERSONAL"}
        )
        report = await run_pass(app, days_later=1)
        assert report.snapshots == 2  # our account and daily.frames
        assert len(report.failed) == 1
        rival = await session.scalar(select(Competitor).where(Competitor.username == "rival.studio"))
        assert rival is not None
        assert "Business or Creator" in (rival.last_error or "")
        listed = (await client.get(me.url(), headers=me.headers)).json()["items"]
        assert [c["last_error"] is not None for c in listed] == [True, False]


class TestRateLimit:
    async def test_a_rate_limit_ends_the_tick_and_leaves_the_account_due(self, app, client, owner):
        app.state.resources.graph.max_retries = 0  # the client would otherwise wait and try again
        limited = await owner(username="sandbox.creator")
        other = await owner(username="sandbox.studio")
        await track(client, limited, "rival.studio")
        await track(client, other, "daily.frames")
        fault = {
            "action": "error",
            "path": f"^{limited.ig_id}$",
            "times": None,
            "code": 4,
            "http_status": 403,
        }
        assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code == 201

        stopped = await run_pass(app, days_later=1)
        assert stopped.rate_limited
        assert (stopped.accounts, stopped.snapshots) == (1, 0)

        await client.delete("/sandbox/_admin/faults")
        resumed = await run_pass(app, days_later=1)
        assert (resumed.accounts, resumed.snapshots) == (2, 4)
