"""The engine decides from the post's columns; the timeline is only its audit log.

A wait that comes back again and again (the publishing quota every 10 minutes) stays one timeline entry
whose count and last time move; a post whose timeline is lost mid-flight still publishes once; the
migration that added the columns fills them from the timelines of posts already in flight.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from clipper import migrate
from clipper.db import unit_of_work, utcnow
from clipper.social import sweep, timeline
from clipper.social.engine import Engine
from clipper.social.models import SocialPost
from tests.fixtures.media_factory import jpeg, mp4
from tests.fixtures.oauth_flow import sandbox_of
from tests.social.publish_helpers import Publisher, run_due, until_done


async def make_due(publisher: Publisher, post_id: int) -> None:
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        await session.execute(
            update(SocialPost).where(SocialPost.id == post_id).values(next_attempt_at=utcnow())
        )


def entries(post: dict[str, Any], event: str) -> list[dict[str, Any]]:
    return [entry for entry in post["timeline"] if entry["event"] == event]


class TestRepeatedWaits:
    async def test_a_post_waiting_for_quota_many_times_keeps_one_counted_entry_and_publishes_once(
        self, publisher: Publisher
    ) -> None:
        await publisher.admin("PATCH", "config", {"publish_quota": 0})
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Patient")
        post_id = created.json()["id"]
        await publisher.publish(post_id)

        seen = []
        for _ in range(6):
            assert await run_due(publisher.app) == 1
            seen.append(await publisher.post(post_id))
            await make_due(publisher, post_id)
        await publisher.admin("PATCH", "config", {"publish_quota": 25})
        done = await until_done(publisher, post_id)

        waits = [entries(post, "quota_wait") for post in seen]
        assert [len(found) for found in waits] == [1] * 6
        assert [found[0]["count"] for found in waits] == [1, 2, 3, 4, 5, 6]
        assert waits[0][0]["last_at"] is None
        last_times = [datetime.fromisoformat(found[0]["last_at"]) for found in waits[1:]]
        assert last_times == sorted(last_times)
        assert {found[0]["at"] for found in waits} == {waits[0][0]["at"]}
        assert all(post["status"] == "scheduled" for post in seen)
        assert done["status"] == "published", done
        assert [entry["count"] for entry in entries(done, "quota_wait")] == [6]
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]


class TestRepeat:
    def test_only_the_same_wait_in_a_row_is_counted_on_one_entry(self) -> None:
        post = SocialPost(timeline=[])
        for event, detail in [
            ("held", "a"),
            ("held", "a"),
            ("held", "b"),
            ("quota_wait", None),
            ("held", "b"),
        ]:
            timeline.repeat(post, event, detail)

        assert [(e["event"], e["detail"], e.get("count", 1)) for e in post.timeline] == [
            ("held", "a", 2),
            ("held", "b", 1),
            ("quota_wait", None, 1),
            ("held", "b", 1),
        ]
        assert post.timeline[0]["last_at"] >= post.timeline[0]["at"]


class TestTimelineIsOnlyALog:
    async def _run_then_forget_the_timeline(self, publisher: Publisher, steps: int, **post: Any) -> Any:
        created = await publisher.create(**post)
        assert created.status_code == 201, created.text
        post_id = created.json()["id"]
        await publisher.publish(post_id)
        resources = publisher.app.state.resources
        async with unit_of_work(resources.session_factory) as session:
            [(claimed, lease)] = await sweep.claim_due(session, lease_seconds=300, batch=10)
        await Engine(resources).run(post_id=claimed, lease_until=lease, max_steps=steps)
        async with unit_of_work(resources.session_factory) as session:
            await session.execute(update(SocialPost).where(SocialPost.id == post_id).values(timeline=[]))
            later = utcnow() + timedelta(seconds=301)
            taken = await sweep.claim_due(session, lease_seconds=300, batch=10, now=later)
        for same, takeover in taken:
            await Engine(resources).run(post_id=same, lease_until=takeover)
        return await until_done(publisher, post_id)

    async def test_a_reel_with_a_first_comment_publishes_once_whatever_step_its_timeline_was_lost_after(
        self, publisher: Publisher
    ) -> None:
        video = await publisher.clip(mp4(90, 160, seconds=3.0), "reel.mp4")
        done = []
        for steps in range(1, 7):
            done.append(
                await self._run_then_forget_the_timeline(
                    publisher,
                    steps,
                    media_type="REELS",
                    clip_id=video,
                    caption=f"Forgetful {steps}",
                    options={"first_comment": "first!"},
                )
            )

        assert {post["status"] for post in done} == {"published"}, done
        published = await publisher.published()
        assert sorted(item["media_id"] for item in published) == sorted(p["platform_post_id"] for p in done)
        world = sandbox_of(publisher.app).world
        for post in done:
            assert [c.id for c in world.comments_of(post["platform_post_id"])] == [post["first_comment_id"]]


def _at(minutes: int) -> str:
    return (datetime(2026, 12, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()


class TestMigration:
    def test_the_columns_are_filled_from_the_timelines_of_posts_in_flight(self, tmp_path: Path) -> None:
        path = tmp_path / "before.db"
        migrate.upgrade(f"sqlite+aiosqlite:///{path}", "0013")
        timeline = [
            {"at": _at(0), "event": "publish_requested", "detail": None},
            {"at": _at(1), "event": "publish_started", "detail": None},
            {"at": _at(2), "event": "container_created", "detail": "c1"},
            {"at": _at(2), "event": "upload_pending", "detail": "c1"},
            {"at": _at(3), "event": "media_fetch_failed", "detail": "9004: no"},
            {"at": _at(4), "event": "container_created", "detail": "c2"},
            {"at": _at(4), "event": "upload_pending", "detail": "c2"},
            {"at": _at(5), "event": "uploaded", "detail": "c1"},
            {"at": _at(6), "event": "first_comment_sent", "detail": None},
        ]
        with sqlite3.connect(path) as db:
            db.execute("INSERT INTO users (id, email, password_hash) VALUES (1, 'a@example.com', 'x')")
            for post_id, events in ((1, timeline), (2, [])):
                db.execute(
                    "INSERT INTO social_posts (id, user_id, timeline) VALUES (?, 1, ?)",
                    (post_id, json.dumps(events)),
                )

        migrate.upgrade(f"sqlite+aiosqlite:///{path}", "0014")

        columns = (
            "publish_requested_at, publish_started_at, container_created_at, first_comment_sent_at, "
            "uploads_pending, fetch_failures, permalink_unavailable, first_comment_failed"
        )
        with sqlite3.connect(path) as db:
            rows = db.execute(f"SELECT {columns} FROM social_posts ORDER BY id").fetchall()  # noqa: S608
        moments = [datetime.fromisoformat(stamp).replace(tzinfo=UTC) for stamp in rows[0][:4]]
        assert moments == [datetime.fromisoformat(_at(minutes)) for minutes in (0, 1, 4, 6)]
        assert (json.loads(rows[0][4]), rows[0][5], rows[0][6], rows[0][7]) == (["c2"], 1, 0, 0)
        assert rows[1] == (None, None, None, None, "[]", 0, 0, 0)
