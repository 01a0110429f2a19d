"""The posting queue through the API: slots, add to queue, the free-slot rule, reorder, validation, owners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from clipper.queue import placement
from tests.queue.queue_helpers import EVERY_HOUR, Queue, when
from tests.social.publish_helpers import make_publisher


def next_six_hours(after: datetime, count: int) -> list[datetime]:
    """The next `count` UTC times at 00, 06, 12 or 18 o'clock after `after`."""
    start = after.replace(minute=0, second=0, microsecond=0, hour=after.hour - after.hour % 6)
    return [start + timedelta(hours=6 * n) for n in range(1, count + 1)]


class TestAddToQueue:
    async def test_posts_take_the_next_free_slots_after_now_and_after_each_other(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        before = datetime.now(UTC)
        first, second = await queue.add(caption="one"), await queue.add(caption="two")
        expected = next_six_hours(before, 4)
        assert [when(first["scheduled_for"]), when(second["scheduled_for"])] == expected[:2]
        assert first["status"] == second["status"] == "scheduled"
        assert first["queued"]
        assert first["next_attempt_at"] == first["scheduled_for"]
        # A post scheduled by hand at the next slot: that slot is not free.
        manual = await queue.publisher.create(clip_id=queue.clip_id, scheduled_for=expected[2].isoformat())
        assert manual.status_code == 201, manual.text
        third = await queue.add(caption="three")
        assert when(third["scheduled_for"]) == expected[3]

        body = await queue.ok("GET")
        assert [post["id"] for post in body["posts"]] == [first["id"], second["id"], third["id"]]
        assert [when(post["scheduled_for"]) for post in body["posts"]] == [
            expected[0],
            expected[1],
            expected[3],
        ]
        assert all(not post["held"] for post in body["posts"])
        assert when(body["next_slots"][0]) == expected[3] + timedelta(hours=6)

    async def test_a_draft_joins_the_queue_and_leaves_it_with_a_time_of_its_own(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        draft = await queue.publisher.create(clip_id=queue.clip_id, caption="draft")
        assert draft.status_code == 201
        assert draft.json()["status"] == "draft"
        post_id = draft.json()["id"]
        url = f"/api/v1/social/{post_id}"
        headers = queue.publisher.headers
        client = queue.publisher.client

        joined = await client.put(url, json={"add_to_queue": True}, headers=headers)
        assert joined.status_code == 200, joined.text
        assert joined.json()["queued"]
        assert joined.json()["status"] == "scheduled"
        slot = joined.json()["scheduled_for"]
        # Editing the caption keeps its slot; asking again keeps it too.
        edited = await client.put(url, json={"caption": "new", "add_to_queue": True}, headers=headers)
        assert edited.json()["scheduled_for"] == slot
        assert edited.json()["queued"]

        own_time = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
        left = await client.put(url, json={"scheduled_for": own_time.isoformat()}, headers=headers)
        assert left.status_code == 200, left.text
        assert not left.json()["queued"]
        assert when(left.json()["scheduled_for"]) == own_time
        assert (await queue.ok("GET"))["posts"] == []

    async def test_slots_are_wall_times_of_the_queue_time_zone(self, queue: Queue) -> None:
        body = await queue.set_slots([{"weekday": day, "time": "09:15"} for day in range(7)], "Asia/Kolkata")
        assert body["timezone"] == "Asia/Kolkata"
        kept = await queue.ok("PUT", "/slots", {"slots": body["slots"]})
        assert kept["timezone"] == "Asia/Kolkata"
        post = await queue.add()
        local = when(post["scheduled_for"]).astimezone(ZoneInfo("Asia/Kolkata"))
        assert local.strftime("%H:%M") == "09:15"
        assert timedelta(0) < when(post["scheduled_for"]) - datetime.now(UTC) <= timedelta(days=1)


class TestReorder:
    async def test_the_times_stay_and_follow_the_new_order(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        posts = [await queue.add(caption=str(n)) for n in range(3)]
        times = [post["scheduled_for"] for post in posts]
        order = [posts[2]["id"], posts[0]["id"], posts[1]["id"]]

        body = await queue.ok("PUT", "/order", {"post_ids": order})
        assert [post["id"] for post in body["posts"]] == order
        assert [post["scheduled_for"] for post in body["posts"]] == times
        moved = await queue.publisher.post(posts[2]["id"])
        assert moved["scheduled_for"] == times[0]
        assert moved["next_attempt_at"] == times[0]

    async def test_the_list_must_be_exactly_the_queued_posts(self, queue: Queue) -> None:
        await queue.set_slots(EVERY_HOUR)
        first, second = await queue.add(), await queue.add()
        draft = (await queue.publisher.create(clip_id=queue.clip_id)).json()
        for wrong in ([first["id"]], [first["id"], second["id"], draft["id"]], [second["id"], 999_999]):
            response = await queue.call("PUT", "/order", {"post_ids": wrong})
            assert response.status_code == 409, response.text
            assert "exactly the account's queued posts" in response.json()["detail"]
        twice = await queue.call("PUT", "/order", {"post_ids": [first["id"], first["id"]]})
        assert twice.status_code == 422
        assert [p["id"] for p in (await queue.ok("GET"))["posts"]] == [first["id"], second["id"]]


class TestRefusals:
    async def test_bad_input_is_a_clear_4xx(self, queue: Queue) -> None:
        no_slots = await queue.publisher.create(clip_id=queue.clip_id, add_to_queue=True)
        assert no_slots.status_code == 409
        assert "no queue time slots" in no_slots.json()["detail"]
        for slots in (
            [{"weekday": 7, "time": "09:00"}],
            [{"weekday": 0, "time": "24:00"}],
            [{"weekday": 0, "time": "9am"}],
            [{"weekday": 0, "time": f"{n // 60:02d}:{n % 60:02d}"} for n in range(101)],
        ):
            assert (await queue.call("PUT", "/slots", {"timezone": "UTC", "slots": slots})).status_code == 422
        unknown = await queue.call("PUT", "/slots", {"timezone": "Mars/Base", "slots": []})
        assert unknown.status_code == 422
        assert "IANA" in unknown.json()["detail"]

        await queue.set_slots(EVERY_HOUR)
        later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        both = await queue.publisher.create(clip_id=queue.clip_id, add_to_queue=True, scheduled_for=later)
        assert both.status_code == 422
        assert "add_to_queue" in both.text
        now_too = await queue.publisher.create(clip_id=queue.clip_id, add_to_queue=True, publish_now=True)
        assert now_too.status_code == 422
        assert (await queue.ok("GET"))["posts"] == []

    async def test_the_queue_is_bounded(self, queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(placement, "MAX_QUEUED", 2)
        await queue.set_slots(EVERY_HOUR)
        await queue.add()
        await queue.add()
        third = await queue.publisher.create(clip_id=queue.clip_id, add_to_queue=True)
        assert third.status_code == 409
        assert "2 posts at most" in third.json()["detail"]

    async def test_a_hundred_slots_fit(self, queue: Queue) -> None:
        slots = [{"weekday": n % 7, "time": f"{n // 7:02d}:{n % 60:02d}"} for n in range(100)]
        assert len((await queue.set_slots(slots))["slots"]) == 100


class TestOwners:
    async def test_another_user_sees_and_moves_nothing(
        self, queue: Queue, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        await queue.set_slots(EVERY_HOUR)
        mine = await queue.add()
        other = await Queue.of(await make_publisher(client, app))
        mallory = other.publisher.headers
        for method, path, body in (
            ("GET", "", None),
            ("PUT", "/slots", {"slots": []}),
            ("PUT", "/order", {"post_ids": [mine["id"]]}),
            ("POST", "/pause", None),
            ("POST", "/resume", None),
            ("GET", "/suggestions", None),
        ):
            response = await client.request(method, queue.url + path, json=body, headers=mallory)
            assert response.status_code == 404, (method, path, response.text)
        # Their own queue does not take my post either.
        stolen = await other.call("PUT", "/order", {"post_ids": [mine["id"]]})
        assert stolen.status_code == 409
        mine_now = (await queue.ok("GET"))["posts"]
        assert [(p["id"], p["scheduled_for"], p["held"]) for p in mine_now] == [
            (mine["id"], mine["scheduled_for"], False)
        ]
        # Nor does adding their post to the queue of my account.
        crossed = await other.publisher.create(
            clip_id=other.clip_id, account_id=queue.publisher.account["id"], add_to_queue=True
        )
        assert crossed.status_code == 422
