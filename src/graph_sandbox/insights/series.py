"""Day buckets and daily values: Meta's insights days end at 08:00 UTC (midnight Pacific Standard Time).

`Source` is everything a number depends on (seed, node, followers, today, stored overrides);
`day_value` and `period_value` are pure functions of it, so repeated calls agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from graph_sandbox.clock import graph_time
from graph_sandbox.insights.catalogue import Metric
from graph_sandbox.insights.generator import daily_value, followers_on
from graph_sandbox.insights.media_catalogue import LEVEL_METRICS

DAY_START_UTC = time(8, 0, tzinfo=UTC)
RETENTION_DAYS = 90
PERIOD_DAYS = {"day": 1, "week": 7, "days_28": 28, "month": 30}


def source_for(seed: int, node_id: str, followers: int, now: datetime) -> Source:
    """The number source of one node as of `now`."""
    shifted = now.astimezone(UTC) - timedelta(hours=8)
    elapsed = (shifted.hour * 3600 + shifted.minute * 60 + shifted.second) / 86_400
    return Source(seed, node_id, followers, shifted.date(), today_elapsed=elapsed)


def day_of(moment: datetime) -> date:
    """The insights day a moment falls in."""
    return (moment.astimezone(UTC) - timedelta(hours=8)).date()


def end_time(day: date) -> str:
    """`end_time` of a day bucket: the next day's 08:00 UTC, Graph-formatted."""
    return graph_time(datetime.combine(day + timedelta(days=1), DAY_START_UTC))


def days_between(since: datetime, until: datetime) -> list[date]:
    """Every insights day from `since`'s to `until`'s, both inclusive, except that an `until` exactly at
    a day's start ends the window before that day (so `since == until` there covers no day).

    A day's value is stamped with the next day's start (`end_time`), and Meta leaves out a day whose
    `end_time` is after `until`: Airbyte's Instagram source moved `until` a day on for it
    (https://github.com/airbytehq/airbyte/pull/74006). Meta's pages do not say it; see docs/sandbox.md.
    """
    first, last = day_of(since), day_of(until)
    if until == datetime.combine(last, DAY_START_UTC):
        last -= timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Source:
    """The inputs behind one node's numbers."""

    seed: int
    node_id: str
    followers: int
    today: date
    today_elapsed: float = 1.0  # share of today already over: today's bucket is still filling up
    overrides: dict[str, dict[str, int]] = field(default_factory=dict)  # metric -> ISO day -> value

    def followers_on(self, day: date) -> int:
        """The follower count on `day`."""
        return followers_on(self.followers, (self.today - day).days)

    def in_retention(self, day: date) -> bool:
        """Account data is kept 90 days and never exists for the future."""
        return 0 <= (self.today - day).days <= RETENTION_DAYS


def day_value(source: Source, metric: Metric, day: date) -> int:
    """One day's value (stored override first, else generated)."""
    stored = source.overrides.get(metric.name, {}).get(day.isoformat())
    if stored is not None:
        return stored
    if metric.name in LEVEL_METRICS:
        return source.followers_on(day)
    value = daily_value(
        source.seed, source.node_id, metric.name, day, followers=source.followers_on(day), rate=metric.rate
    )
    return int(value * source.today_elapsed) if day == source.today else value


def period_value(source: Source, metric: Metric, day: date, period: str) -> int:
    """The value for the `period` window ending on `day` (a day's value for `day`)."""
    if metric.name in LEVEL_METRICS:
        return day_value(source, metric, day)
    span = PERIOD_DAYS.get(period, 1)
    return sum(day_value(source, metric, day - timedelta(days=n)) for n in range(span))
