"""Slot times: weekly wall-clock slots turned into instants in a time zone, DST-safe (no database).

A slot whose wall time does not exist that day (the spring-forward gap) moves to the first valid wall
time after it; a wall time that happens twice (fall-back) is taken once, at its first occurrence.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_SLOTS = 100
# How far ahead a free slot is looked for before the queue is called full.
HORIZON_DAYS = 2 * 366
Slot = tuple[int, int]  # (weekday 0 = Monday, minute of the day)


class UnknownZone(ValueError):
    """Not an IANA time zone name."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (UnknownZone otherwise)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(f"Unknown time zone {name!r}: use an IANA name such as Europe/Paris.") from None


def _exists(wall: datetime, tz: ZoneInfo) -> bool:
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


def instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of `minute` on `day` in `tz`: a skipped wall time moves to the next valid one,
    a repeated one is its first occurrence (fold=0)."""
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    # A gap is at most a few hours (a day in the rarest historical cases): step to its end.
    for _ in range(24 * 60):
        if _exists(wall, tz):
            break
        wall += timedelta(minutes=1)
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def occurrences(slots: Sequence[Slot], tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Every slot instant strictly after `after`, in order, each instant once, up to the horizon."""
    by_day: dict[int, list[int]] = {}
    for weekday, minute in sorted(set(slots)):
        by_day.setdefault(weekday, []).append(minute)
    if not by_day:
        return
    # From the day before: a wall time of that day may fall after `after` once in UTC.
    day = after.astimezone(tz).date() - timedelta(days=1)
    last: datetime | None = None
    for _ in range(HORIZON_DAYS + 2):
        for minute in by_day.get(day.weekday(), []):
            moment = instant(day, minute, tz)
            if moment > after and (last is None or moment > last):
                last = moment
                yield moment
        day += timedelta(days=1)


def free(
    slots: Sequence[Slot], tz: ZoneInfo, after: datetime, taken: Collection[datetime], count: int
) -> list[datetime]:
    """The first `count` slot instants after `after` that no post sits at (fewer: the horizon ran out)."""
    found: list[datetime] = []
    if count <= 0:
        return found
    for moment in occurrences(slots, tz, after):
        if moment not in taken:
            found.append(moment)
            if len(found) == count:
                break
    return found
