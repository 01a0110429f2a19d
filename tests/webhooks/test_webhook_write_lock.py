"""On SQLite, a webhook job never holds the write lock while it waits for Meta (other writers would fail),
and a write committed by someone else while Meta answers does not lose what the job read."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from clipper.config import Settings
from tests.fixtures.graph_observer import observe_graph_calls
from tests.fixtures.inbox import API, WEBHOOK_URL
from tests.fixtures.sqlite_probe import commit_elsewhere
from tests.social.live_app import live_publisher
from tests.social.publish_helpers import Publisher

MENTION_READ = "GET /{id}"
USERNAME_LOOKUP = "POST /"
MEDIA_DETAILS = "GET /"


async def deliver(publisher: Publisher, path: str, body: dict[str, object]) -> dict[str, object]:
    """Have the sandbox send one webhook to our callback, then run the job it queued."""
    sent: dict[str, object] = await publisher.admin("POST", f"simulate/{path}", body)
    await publisher.app.state.worker.drain()
    return sent


class TestWebhookJob:
    async def test_others_can_commit_while_meta_answers_and_the_job_still_stores_it(
        self, settings: Settings
    ) -> None:
        path = make_url(settings.database_url).database
        assert path
        async with live_publisher(settings) as publisher:
            await publisher.admin("PATCH", "config", {"webhook_callback_url": WEBHOOK_URL})
            ig_id = publisher.account["platform_account_id"]
            committed: list[tuple[str, bool]] = []
            observe_graph_calls(
                publisher.app,
                lambda what, _status, _code, _seconds: committed.append((what, commit_elsewhere(path))),
            )

            message = {"ig_user_id": ig_id, "text": "Hi!", "from_username": "curious.customer"}
            sender = (await deliver(publisher, "message", message))["sender_id"]
            await deliver(publisher, "mention", {"ig_user_id": ig_id, "username": "fan.one", "text": "@me"})
            media = publisher.app.state.sandbox_app.state.sandbox.world.media_of(ig_id)[0]
            await deliver(publisher, "comment", {"media_id": media.id, "text": "Nice"})

            threads = await publisher.client.get(f"{API}/conversations", headers=publisher.headers)
            found = await publisher.client.get(f"{API}/mentions", headers=publisher.headers)
            comments = await publisher.client.get(f"{API}/comments", headers=publisher.headers)
        thread = next(t for t in threads.json()["items"] if t["participants"][0]["id"] == sender)
        assert thread["participants"][0]["username"] == "curious.customer"
        (mention,) = found.json()["items"]
        assert (mention["author_username"], mention["read_error"]) == ("fan.one", None)
        assert comments.json()["items"][0]["media_permalink"]
        assert [what for what, _done in committed] == [USERNAME_LOOKUP, MENTION_READ, MEDIA_DETAILS]
        assert all(done for _what, done in committed)
