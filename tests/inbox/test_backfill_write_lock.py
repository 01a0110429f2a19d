"""On SQLite, the backfill never holds the write lock while it waits for Meta (other writers would fail)."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from clipper.config import Settings
from tests.fixtures.graph_observer import observe_graph_calls
from tests.fixtures.inbox import API
from tests.fixtures.sqlite_probe import commit_elsewhere
from tests.social.live_app import live_publisher


class TestBackfillJob:
    async def test_meta_is_called_with_no_write_transaction_open(self, settings: Settings) -> None:
        path = make_url(settings.database_url).database
        assert path
        async with live_publisher(settings) as publisher:
            app = publisher.app
            # A rule that hides every new comment: the job also calls Meta to moderate.
            rule = await publisher.client.post(
                f"{API}/accounts/{publisher.account['id']}/moderation-rules",
                json={"name": "All", "kind": "regex", "patterns": ["."]},
                headers=publisher.headers,
            )
            assert rule.status_code == 201, rule.text
            seen: list[tuple[str, bool]] = []
            observe_graph_calls(
                app, lambda what, _status, _code, _seconds: seen.append((what, commit_elsewhere(path)))
            )

            await app.state.worker.enqueue("inbox.sync_account", account_id=publisher.account["id"])
            await app.state.worker.drain()

            hidden = await publisher.client.get(
                f"{API}/comments", params={"status": "hidden"}, headers=publisher.headers
            )
        calls = {what for what, _free in seen}
        assert {"GET /{id}/media", "GET /{id}/conversations", "POST /{id}"} <= calls
        assert [what for what, free in seen if not free] == []
        assert hidden.json()["items"]
