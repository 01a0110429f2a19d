"""Slot times from weekly wall-clock slots: time zones, both DST transitions, the free-slot rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import islice

import pytest

from clipper.queue import slots

PARIS = slots.zone("Europe/Paris")
NEW_YORK = slots.zone("America/New_York")
SUNDAY = 6


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class TestInstant:
    def test_a_wall_time_becomes_the_instant_of_its_zone(self) -> None:
        assert slots.instant(date(2026, 12, 7), 9 * 60 + 30, PARIS) == utc(2026, 12, 7, 8, 30)
        assert slots.instant(date(2026, 7, 6), 9 * 60 + 30, PARIS) == utc(2026, 7, 6, 7, 30)
        assert slots.instant(date(2026, 7, 6), 9 * 60 + 30, NEW_YORK) == utc(2026, 7, 6, 13, 30)

    def test_spring_forward_moves_a_skipped_time_to_the_first_valid_one(self) -> None:
        # Europe/Paris, 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist.
        moved = slots.instant(date(2026, 3, 29), 2 * 60 + 30, PARIS)
        assert moved == utc(2026, 3, 29, 1, 0)
        assert moved.astimezone(PARIS).strftime("%H:%M %Z") == "03:00 CEST"

    def test_fall_back_takes_a_repeated_time_once_at_its_first_occurrence(self) -> None:
        # America/New_York, 1 November 2026: 01:30 happens in EDT (05:30 UTC) and again in EST (06:30 UTC).
        first = slots.instant(date(2026, 11, 1), 90, NEW_YORK)
        assert first == utc(2026, 11, 1, 5, 30)
        sundays = list(islice(slots.occurrences([(SUNDAY, 90)], NEW_YORK, utc(2026, 10, 31)), 3))
        assert sundays == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30), utc(2026, 11, 15, 6, 30)]


class TestOccurrences:
    def test_slots_come_in_time_order_strictly_after_the_start(self) -> None:
        weekly = [(0, 9 * 60), (2, 18 * 60), (0, 17 * 60)]  # Monday 09:00 and 17:00, Wednesday 18:00
        start = utc(2026, 12, 7, 8, 0)  # Monday 09:00 in Paris: that slot is not after it
        found = list(islice(slots.occurrences(weekly, PARIS, start), 4))
        assert found == [
            utc(2026, 12, 7, 16, 0),
            utc(2026, 12, 9, 17, 0),
            utc(2026, 12, 14, 8, 0),
            utc(2026, 12, 14, 16, 0),
        ]

    def test_a_slot_late_on_the_previous_local_day_is_not_missed(self) -> None:
        # Sunday 23:30 in New York is Monday 04:30 UTC: a start on Monday 00:00 UTC still finds it.
        found = next(slots.occurrences([(SUNDAY, 23 * 60 + 30)], NEW_YORK, utc(2026, 12, 7, 0, 0)))
        assert found == utc(2026, 12, 7, 4, 30)

    def test_the_week_across_spring_forward_keeps_every_slot_once(self) -> None:
        weekly = [(SUNDAY, 2 * 60 + 30), (SUNDAY, 3 * 60)]  # 02:30 moves onto 03:00 that day
        found = list(islice(slots.occurrences(weekly, PARIS, utc(2026, 3, 28)), 3))
        assert found == [utc(2026, 3, 29, 1, 0), utc(2026, 4, 5, 0, 30), utc(2026, 4, 5, 1, 0)]

    def test_no_slots_no_times(self) -> None:
        assert list(slots.occurrences([], PARIS, utc(2026, 12, 7))) == []


class TestFree:
    def test_a_slot_a_post_sits_at_is_skipped(self) -> None:
        weekly = [(day, 12 * 60) for day in range(7)]
        start = utc(2026, 12, 7, 0, 0)
        taken = {utc(2026, 12, 7, 12, 0), utc(2026, 12, 9, 12, 0)}
        assert slots.free(weekly, slots.zone("UTC"), start, taken, 3) == [
            utc(2026, 12, 8, 12, 0),
            utc(2026, 12, 10, 12, 0),
            utc(2026, 12, 11, 12, 0),
        ]

    def test_the_search_is_bounded_by_the_horizon(self) -> None:
        weekly = [(0, 0)]
        start = utc(2026, 12, 7, 1, 0)
        everything = set(islice(slots.occurrences(weekly, PARIS, start), 200))
        assert slots.free(weekly, PARIS, start, everything, 1) == []
        assert max(everything) - start < timedelta(days=slots.HORIZON_DAYS + 8)

    def test_an_unknown_zone_is_refused(self) -> None:
        with pytest.raises(slots.UnknownZone):
            slots.zone("Mars/Olympus_Mons")
