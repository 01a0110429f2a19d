"""Backfill completeness: replies beyond the first expanded page are fetched, batched, only when needed."""

from __future__ import annotations

from graph_sandbox.engagement.comment_writes import add_comment
from tests.fixtures.inbox import API
from tests.fixtures.oauth_flow import sandbox_of


def add_thread(app, ig_id: str, replies: int) -> tuple[str, str]:
    """A new top-level comment with `replies` replies on the account's newest media; (media id, its id)."""
    world = sandbox_of(app).world
    media = max(world.media_of(ig_id), key=lambda m: m.timestamp)
    now = sandbox_of(app).clock.now()
    top = add_comment(world, media, from_id="9" * 15, username="fan", text="long thread", now=now)
    for number in range(replies):
        add_comment(
            world, media, from_id="8" * 15, username="chatty", text=f"r{number}", now=now, parent_id=top.id
        )
    return media.id, top.id


async def thread_replies(client, owner, thread_ids: tuple[str, str]) -> list[str]:
    media_id, top_id = thread_ids
    thread = await client.get(
        f"{API}/media/{media_id}/comments",
        params={"account_id": owner.account["id"], "limit": 100},
        headers=owner.headers,
    )
    found = next(t for t in thread.json()["items"] if t["platform_comment_id"] == top_id)
    return [reply["text"] for reply in found["replies"]]


class TestBackfillReplies:
    async def test_every_reply_of_a_long_thread_is_stored(self, client, app, owner, calls):
        thread_ids = add_thread(app, owner.ig_id, replies=120)
        calls.clear()
        synced = await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        assert synced.status_code == 200, synced.text
        # The media list with comments and 50 replies expanded, then two batches for replies 51-120.
        comment_calls = [call for call in calls if "conversations" not in call]
        assert len(comment_calls) == 3, comment_calls
        assert synced.json()["comments"] >= 121
        assert sorted(await thread_replies(client, owner, thread_ids)) == sorted(f"r{n}" for n in range(120))

    async def test_threads_that_fit_in_the_expansion_cost_no_extra_call(self, client, app, owner, calls):
        add_thread(app, owner.ig_id, replies=30)
        calls.clear()
        synced = await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        assert synced.status_code == 200, synced.text
        assert [call for call in calls if "conversations" not in call and "POST" in call] == []

    async def test_the_media_thread_refresh_reads_every_reply_too(self, client, app, owner):
        thread_ids = add_thread(app, owner.ig_id, replies=75)
        await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        replies = await thread_replies(client, owner, thread_ids)
        assert len(replies) == 75
