"""The periodic inbox sync: attempts recorded, failures back off, nobody starves, a rate limit stops it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from clipper.db import utcnow
from clipper.inbox.models import InboxSyncState
from tests.fixtures.inbox import API, connect

NO_COMMENTS = ("instagram_manage_comments",)


async def states(app) -> dict[int, InboxSyncState]:
    async with app.state.resources.session_factory() as session:
        return {row.account_id: row for row in await session.scalars(select(InboxSyncState))}


async def tick(app) -> None:
    await app.state.worker.run_periodic_once("inbox.sync")
    await app.state.worker.drain()


async def watch_media_reads(client, ig_id: str, **error) -> None:
    """Count the reads of the account's media list in the sandbox (and make them fail, given an error)."""
    action = {"action": "error", **error} if error else {"action": "latency", "latency_seconds": 0}
    fault = {"path": f"^{ig_id}/media$", "times": None, **action}
    assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code == 201


async def media_reads(client, ig_id: str) -> int:
    rules = (await client.get("/sandbox/_admin/faults")).json()
    return sum(rule["hits"] for rule in rules if rule["path"] == f"^{ig_id}/media$")


class TestNobodyStarves:
    async def test_an_account_without_the_comments_permission_does_not_hold_up_the_next(
        self, client, app, signup, settings
    ):
        settings.inbox_sync_accounts_per_tick = 1
        limited = await connect(client, signup, untick=NO_COMMENTS)
        healthy = await connect(client, signup, username="sandbox.studio")
        await watch_media_reads(client, limited.ig_id)

        await tick(app)
        first = (await states(app))[limited.account["id"]]
        assert first.attempted_at is not None
        assert first.comments_synced_at is None  # skipped without asking Meta
        assert first.conversations_synced_at is not None
        assert first.consecutive_failures == 0
        assert "instagram_manage_comments" in (first.last_error or "")
        assert await media_reads(client, limited.ig_id) == 0

        await tick(app)
        found = await states(app)
        assert found[healthy.account["id"]].comments_synced_at is not None
        assert found[limited.account["id"]].attempted_at == first.attempted_at
        inbox = await client.get(f"{API}/comments", headers=healthy.headers)
        assert inbox.json()["items"]

    async def test_a_failing_account_waits_for_its_backoff(self, client, app, signup, settings):
        settings.inbox_sync_accounts_per_tick = 1
        failing = await connect(client, signup)
        healthy = await connect(client, signup, username="sandbox.studio")
        await watch_media_reads(client, failing.ig_id, code=100, message="Broken media edge")

        await tick(app)
        state = (await states(app))[failing.account["id"]]
        assert state.consecutive_failures == 1
        assert "malformed" in (state.last_error or "")
        assert state.attempted_at is not None
        assert state.next_sync_at is not None
        interval = timedelta(seconds=settings.inbox_sync_interval_seconds)
        assert state.next_sync_at - state.attempted_at == 2 * interval

        await tick(app)  # the healthy account's turn, not a retry of the failing one
        assert await media_reads(client, failing.ig_id) == 1
        assert (await states(app))[healthy.account["id"]].comments_synced_at is not None
        await tick(app)  # nobody is due
        assert await media_reads(client, failing.ig_id) == 1

        async with app.state.resources.session_factory() as session:  # the backoff has passed
            await session.execute(
                update(InboxSyncState)
                .where(InboxSyncState.account_id == failing.account["id"])
                .values(next_sync_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        await tick(app)
        assert await media_reads(client, failing.ig_id) == 2
        assert (await states(app))[failing.account["id"]].consecutive_failures == 2

        await client.delete("/sandbox/_admin/faults")
        await watch_media_reads(client, failing.ig_id)
        async with app.state.resources.session_factory() as session:
            await session.execute(
                update(InboxSyncState)
                .where(InboxSyncState.account_id == failing.account["id"])
                .values(next_sync_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        await tick(app)
        assert await media_reads(client, failing.ig_id) == 1
        recovered = (await states(app))[failing.account["id"]]
        assert (recovered.consecutive_failures, recovered.last_error) == (0, None)
        assert recovered.next_sync_at is not None
        assert recovered.attempted_at is not None
        assert recovered.next_sync_at - recovered.attempted_at == interval


class TestRateLimit:
    async def test_a_rate_limit_ends_the_tick(self, client, app, signup, settings, calls):
        settings.inbox_sync_accounts_per_tick = 2
        app.state.resources.graph.max_retries = 0  # the client would otherwise wait and try again
        limited = await connect(client, signup)
        other = await connect(client, signup, username="sandbox.studio")
        await watch_media_reads(client, limited.ig_id, code=4)
        await watch_media_reads(client, other.ig_id)

        await tick(app)
        found = await states(app)
        assert found[limited.account["id"]].consecutive_failures == 1
        assert other.account["id"] not in found  # not attempted: the tick stopped
        assert await media_reads(client, other.ig_id) == 0
        assert not any(call.endswith("/conversations") for call in calls)

        await tick(app)
        assert (await states(app))[other.account["id"]].comments_synced_at is not None
        assert await media_reads(client, limited.ig_id) == 1


class TestManualSync:
    async def test_records_the_attempt_and_schedules_the_next(self, client, app, owner, settings):
        response = await client.post(
            f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers
        )
        assert response.status_code == 200, response.text
        assert set(response.json()) == {
            "media",
            "comments",
            "new_comments",
            "conversations",
            "new_messages",
            "moderated",
            "errors",
        }
        state = (await states(app))[owner.account["id"]]
        assert state.attempted_at is not None
        assert state.next_sync_at is not None
        assert state.next_sync_at - state.attempted_at == timedelta(
            seconds=settings.inbox_sync_interval_seconds
        )
        await tick(app)  # just synced: not due
        assert (await states(app))[owner.account["id"]].attempted_at == state.attempted_at
