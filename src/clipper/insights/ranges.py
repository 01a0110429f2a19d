"""Insights days: Meta's days end at 08:00 UTC (midnight Pacific); ranges are split into ≤ 30-day calls."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

DAY_START = time(8, 0, tzinfo=UTC)
MAX_DAYS_PER_CALL = 30
RETENTION_DAYS = 90


def day_of(moment: datetime) -> date:
    """The insights day a moment falls in."""
    return (moment.astimezone(UTC) - timedelta(hours=8)).date()


def today() -> date:
    """The insights day now (still filling up)."""
    return day_of(datetime.now(UTC))


def day_start(day: date) -> datetime:
    """The moment an insights day begins."""
    return datetime.combine(day, DAY_START)


def window_end(last: date) -> datetime:
    """The `until` of a window whose last day is `last`: the next day's start, never that day's own.

    Meta stamps a day's value with the next day's start (`end_time`) and leaves out a day whose
    `end_time` is after `until` (observed by Airbyte's Instagram source, which moved `until` to the next
    day for that reason: https://github.com/airbytehq/airbyte/pull/74006). No Meta page or public client
    says what `since == until` answers, so no window is ever zero-length: one day is `until = since +
    86400` (docs/sandbox.md).
    """
    return day_start(last + timedelta(days=1))


def day_ending(end_time: datetime) -> date:
    """The day a time-series value belongs to: Meta stamps it with the next day's start."""
    return day_of(end_time) - timedelta(days=1)


def days(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def chunks(first: date, last: date, size: int = MAX_DAYS_PER_CALL) -> list[tuple[date, date]]:
    """Consecutive windows of at most `size` days covering `first`..`last`."""
    windows = []
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=size - 1))
        windows.append((start, end))
        start = end + timedelta(days=1)
    return windows


def retained_since(now_day: date) -> date:
    """The oldest day Meta still answers for."""
    return now_day - timedelta(days=RETENTION_DAYS)
