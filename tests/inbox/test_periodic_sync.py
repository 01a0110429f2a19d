"""The periodic inbox sync spreads its backfill over the accounts, a few per tick."""

from __future__ import annotations

from sqlalchemy import select

from clipper.inbox.models import InboxSyncState
from tests.fixtures.inbox import API, connect, drain


async def synced_accounts(app) -> set[int]:
    async with app.state.resources.session_factory() as session:
        rows = await session.scalars(
            select(InboxSyncState).where(InboxSyncState.comments_synced_at.is_not(None))
        )
        return {row.account_id for row in rows}


class TestPeriodicSync:
    async def test_a_tick_queues_a_few_due_accounts_and_the_next_tick_the_rest(
        self, client, app, signup, settings
    ):
        settings.inbox_sync_accounts_per_tick = 1
        first = await connect(client, signup)
        second = await connect(client, signup, username="sandbox.studio")
        await app.state.worker.run_periodic_once("inbox.sync")
        await drain(app)
        assert await synced_accounts(app) == {first.account["id"]}
        await app.state.worker.run_periodic_once("inbox.sync")
        await drain(app)
        assert await synced_accounts(app) == {first.account["id"], second.account["id"]}
        await app.state.worker.run_periodic_once("inbox.sync")
        await drain(app)
        inbox = await client.get(f"{API}/comments", headers=second.headers)
        assert inbox.json()["items"]
