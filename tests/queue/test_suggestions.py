"""Suggested slots come from the best-times data, in the queue's time zone, ready to accept."""

from __future__ import annotations

from tests.queue.queue_helpers import Queue

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class TestSuggestions:
    async def test_the_best_hours_of_each_weekday_become_slots_to_accept(self, queue: Queue) -> None:
        await queue.set_slots([], "America/New_York")
        suggested = await queue.ok("GET", "/suggestions?per_day=2")
        best = await queue.publisher.client.get(
            f"/api/v1/instagram/accounts/{queue.publisher.account['id']}/best-times",
            params={"tz": "America/New_York"},
            headers=queue.publisher.headers,
        )
        assert best.status_code == 200, best.text
        expected = [
            (WEEKDAYS.index(day["weekday"]), f"{hour['hour']:02d}:00", hour["score"])
            for day in best.json()["recommendations"]
            for hour in day["hours"][:2]
        ]
        assert suggested["timezone"] == "America/New_York"
        assert [(s["weekday"], s["time"], s["score"]) for s in suggested["slots"]] == expected
        assert len(expected) == 14

        accepted = [{"weekday": s["weekday"], "time": s["time"]} for s in suggested["slots"]]
        body = await queue.set_slots(accepted, "America/New_York")
        assert sorted((s["weekday"], s["time"]) for s in body["slots"]) == sorted(
            {(s["weekday"], s["time"]) for s in accepted}
        )

    async def test_per_day_is_bounded(self, queue: Queue) -> None:
        for bad in ("0", "4", "x"):
            assert (await queue.call("GET", f"/suggestions?per_day={bad}")).status_code == 422
