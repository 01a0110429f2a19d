"""Swapping two scheduled posts' times from the grid: success, the queue's rules, and each refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.fixtures.auth import signup
from tests.fixtures.oauth_flow import connect_instagram
from tests.grid.grid_helpers import Grid, days_ahead, when
from tests.queue.queue_helpers import EVERY_HOUR
from tests.social.publish_helpers import until_done


class TestSwap:
    async def test_two_scheduled_posts_exchange_their_times(self, grid: Grid) -> None:
        first_at, second_at = days_ahead(1), days_ahead(2)
        first, second = await grid.schedule(first_at), await grid.schedule(second_at)

        response = await grid.swap(first["id"], second["id"])

        assert response.status_code == 200, response.text
        swapped = {post["id"]: when(post["scheduled_for"]) for post in response.json()["posts"]}
        assert swapped == {first["id"]: second_at, second["id"]: first_at}
        after_first, after_second = (
            await grid.publisher.post(first["id"]),
            await grid.publisher.post(second["id"]),
        )
        assert when(after_first["scheduled_for"]) == when(after_first["next_attempt_at"]) == second_at
        assert when(after_second["scheduled_for"]) == when(after_second["next_attempt_at"]) == first_at
        tiles = [tile["post_id"] for tile in (await grid.read())["tiles"] if tile["kind"] == "scheduled"]
        assert tiles == [first["id"], second["id"]]

    async def test_a_queued_post_and_a_post_with_its_own_time_exchange_places(self, grid: Grid) -> None:
        await grid.publisher.client.put(
            f"/api/v1/accounts/{grid.account_id}/queue/slots",
            json={"timezone": "UTC", "slots": EVERY_HOUR},
            headers=grid.publisher.headers,
        )
        queued = await grid.publisher.create(clip_id=grid.clip_id, add_to_queue=True)
        assert queued.status_code == 201, queued.text
        slot = when(queued.json()["scheduled_for"])
        own = await grid.schedule(days_ahead(5))

        assert (await grid.swap(queued.json()["id"], own["id"])).status_code == 200

        moved, took_slot = (
            await grid.publisher.post(queued.json()["id"]),
            await grid.publisher.post(own["id"]),
        )
        # The slot's time and its place in the queue travel together: the queue stays made of slot times.
        assert (when(moved["scheduled_for"]), moved["queued"]) == (when(own["scheduled_for"]), False)
        assert (when(took_slot["scheduled_for"]), took_slot["queued"]) == (slot, True)
        queue = await grid.publisher.client.get(
            f"/api/v1/accounts/{grid.account_id}/queue", headers=grid.publisher.headers
        )
        assert [post["id"] for post in queue.json()["posts"]] == [own["id"]]

    async def test_queued_posts_of_a_paused_queue_stay_held(self, grid: Grid) -> None:
        base = f"/api/v1/accounts/{grid.account_id}/queue"
        client, headers = grid.publisher.client, grid.publisher.headers
        await client.put(f"{base}/slots", json={"timezone": "UTC", "slots": EVERY_HOUR}, headers=headers)
        one = (await grid.publisher.create(clip_id=grid.clip_id, add_to_queue=True)).json()
        two = (await grid.publisher.create(clip_id=grid.clip_id, add_to_queue=True)).json()
        assert (await client.post(f"{base}/pause", headers=headers)).status_code == 200

        assert (await grid.swap(one["id"], two["id"])).status_code == 200

        after = [await grid.publisher.post(one["id"]), await grid.publisher.post(two["id"])]
        assert [when(post["scheduled_for"]) for post in after] == [
            when(two["scheduled_for"]),
            when(one["scheduled_for"]),
        ]
        assert [post["next_attempt_at"] for post in after] == [None, None]


class TestRefusals:
    async def test_the_same_post_twice_or_one_post_is_a_422(self, grid: Grid) -> None:
        post = await grid.schedule(days_ahead(1))

        assert (await grid.swap(post["id"], post["id"])).status_code == 422
        assert (await grid.swap(post["id"])).status_code == 422

    async def test_another_users_post_or_account_is_a_404(
        self, grid: Grid, client: httpx.AsyncClient
    ) -> None:
        mine, other = await grid.schedule(days_ahead(1)), await grid.schedule(days_ahead(2))
        stranger = await signup(client)
        theirs_account = await connect_instagram(client, stranger.headers)
        headers = stranger.headers

        on_mine = await client.post(
            f"/api/v1/grid/{grid.account_id}/swap",
            json={"post_ids": [mine["id"], other["id"]]},
            headers=headers,
        )
        on_theirs = await client.post(
            f"/api/v1/grid/{theirs_account['id']}/swap",
            json={"post_ids": [mine["id"], other["id"]]},
            headers=headers,
        )

        assert on_mine.status_code == on_theirs.status_code == 404
        assert when((await grid.publisher.post(mine["id"]))["scheduled_for"]) < when(other["scheduled_for"])

    async def test_a_post_of_another_account_is_a_422(self, grid: Grid) -> None:
        publisher = grid.publisher
        second = await connect_instagram(publisher.client, publisher.headers, username="sandbox.studio")
        here = await grid.schedule(days_ahead(1))
        there = await grid.schedule(days_ahead(2), account_id=second["id"])

        response = await grid.swap(here["id"], there["id"])

        assert response.status_code == 422
        assert "another account" in response.json()["detail"]

    async def test_a_draft_is_a_409(self, grid: Grid) -> None:
        draft = await grid.publisher.create(clip_id=grid.clip_id)
        post = await grid.schedule(days_ahead(1))

        response = await grid.swap(post["id"], draft.json()["id"])

        assert response.status_code == 409
        assert "draft" in response.json()["detail"]

    async def test_a_post_whose_time_has_come_is_a_409(self, grid: Grid) -> None:
        due = await grid.schedule(datetime.now(UTC) - timedelta(seconds=20))
        post = await grid.schedule(days_ahead(1))

        response = await grid.swap(post["id"], due["id"])

        assert response.status_code == 409
        assert "time has come" in response.json()["detail"]
        assert when((await grid.publisher.post(post["id"]))["scheduled_for"]) == when(post["scheduled_for"])

    async def test_a_published_post_is_a_409(self, grid: Grid) -> None:
        gone = await grid.publisher.create(clip_id=grid.clip_id, publish_now=True)
        assert (await until_done(grid.publisher, gone.json()["id"]))["status"] == "published"
        post = await grid.schedule(days_ahead(1))

        response = await grid.swap(post["id"], gone.json()["id"])

        assert response.status_code == 409
        assert "published" in response.json()["detail"]
