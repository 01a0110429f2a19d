"""On SQLite, reading a conversation (which clears its unread count) takes the write lock like other writers.

Another connection commits a write while the request is reading the messages: a deferred transaction would
then fail its own write ("database is locked"); one holding the write lock makes the other writer wait.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from clipper.config import Settings
from tests.fixtures.inbox import API
from tests.fixtures.sqlite_probe import commit_elsewhere
from tests.social.live_app import live_publisher


class TestReadingMessages:
    async def test_clears_the_unread_count_even_when_another_writer_commits_meanwhile(
        self, settings: Settings
    ) -> None:
        path = make_url(settings.database_url).database
        assert path
        async with live_publisher(settings) as publisher:
            synced = await publisher.client.post(
                f"{API}/accounts/{publisher.account['id']}/inbox/sync", headers=publisher.headers
            )
            assert synced.status_code == 200, synced.text
            listed = await publisher.client.get(f"{API}/conversations", headers=publisher.headers)
            unread = [c for c in listed.json()["items"] if c["unread_count"]]
            assert unread, listed.text
            others_got_in: list[bool] = []

            def another_writer(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                if "FROM inbox_message " in statement and not others_got_in:
                    others_got_in.append(commit_elsewhere(path))

            engine = publisher.app.state.resources.engine.sync_engine
            event.listen(engine, "before_cursor_execute", another_writer)
            try:
                read = await publisher.client.get(
                    f"{API}/conversations/{unread[0]['id']}/messages", headers=publisher.headers
                )
            finally:
                event.remove(engine, "before_cursor_execute", another_writer)
            after = await publisher.client.get(f"{API}/conversations", headers=publisher.headers)
        assert read.status_code == 200, read.text
        assert others_got_in == [False]
        cleared = next(c for c in after.json()["items"] if c["id"] == unread[0]["id"])
        assert cleared["unread_count"] == 0
