"""Account metrics over a date range: snapshots first, then Meta in ≤ 30-day calls, merged and stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.errors import InvalidInput
from clipper.insights import cache, ranges, snapshots
from clipper.insights.access import Services, client_for, graph_errors
from clipper.insights.catalogue import FOLLOWER_COUNT_DAYS, TIME_SERIES, account_metric_type, account_metrics
from clipper.insights.schemas import AccountInsightsRead, DayPoint, MetricRead
from clipper.instagram import InstagramGraphAPI

MAX_RANGE_DAYS = 731
PERIOD_DAYS = {"day": 1, "week": 7, "days_28": 28}


@dataclass
class Fetched:
    """What Meta answered for one group of metrics over one span."""

    daily: dict[str, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    calls: int = 0


def check_range(since: date | None, until: date | None, *, default_days: int = 30) -> tuple[date, date]:
    """The inclusive range asked for (default: the last `default_days` days up to today)."""
    now_day = ranges.today()
    last = until or now_day
    first = since or last - timedelta(days=default_days - 1)
    if first > last:
        raise InvalidInput("`since` must not be after `until`.")
    if last > now_day:
        raise InvalidInput(f"`until` cannot be in the future (today is {now_day.isoformat()}).")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    return first, last


def check_period(period: str) -> int:
    """Days per point of the answer (Meta's v22+ account metrics are daily; longer periods are sums)."""
    if period not in PERIOD_DAYS:
        raise InvalidInput(f"Unknown period {period!r}: use one of {', '.join(PERIOD_DAYS)}.")
    return PERIOD_DAYS[period]


def rebucket(points: list[DayPoint], first: date, last: date, span: int) -> list[DayPoint]:
    """Sum daily points into `span`-day periods ending on `last`: whole periods with every day known."""
    if span == 1:
        return points
    sums: dict[date, list[int]] = defaultdict(list)
    for point in points:
        sums[last - timedelta(days=span * ((last - point.date).days // span))].append(point.value)
    return [
        DayPoint(date=end, value=sum(values))
        for end, values in sorted(sums.items())
        if len(values) == span and end - timedelta(days=span - 1) >= first
    ]


def fetchable(metric: str, first: date, last: date, now_day: date) -> tuple[date, date] | None:
    """The part of a range Meta can still answer for a metric (None when it can answer nothing)."""
    start = max(first, ranges.retained_since(now_day))
    if metric == "follower_count":
        start = max(start, now_day - timedelta(days=FOLLOWER_COUNT_DAYS))
    return (start, last) if start <= last else None


async def fetch(
    client: InstagramGraphAPI, ig_id: str, metric_type: str, names: Sequence[str], span: tuple[date, date]
) -> Fetched:
    """Ask Meta for the metrics over the span, one call per ≤ 30-day window, and merge the answers."""
    fetched = Fetched()
    for first, last in ranges.chunks(*span):
        items = await client.get_account_insights(
            ig_id,
            list(names),
            "day",
            metric_type=metric_type,
            since=ranges.day_start(first),
            until=ranges.day_start(last),
        )
        fetched.calls += 1
        for item in items:
            if metric_type == TIME_SERIES:
                for point in item.values:
                    if point.end_time is not None and isinstance(point.value, int | float):
                        fetched.daily[item.name][ranges.day_ending(point.end_time)] = int(point.value)
            elif item.total_value is not None and isinstance(item.total_value.value, int | float):
                fetched.totals[item.name] += int(item.total_value.value)
                if first == last:
                    fetched.daily[item.name][first] = int(item.total_value.value)
    return fetched


def _plan(
    names: Sequence[str], stored: dict[str, dict[date, snapshots.DayValue]], first: date, last: date
) -> dict[tuple[str, tuple[date, date]], list[str]]:
    """Group the metrics that need Meta by (metric_type, span of missing days)."""
    now_day = ranges.today()
    groups: dict[tuple[str, tuple[date, date]], list[str]] = defaultdict(list)
    for name in names:
        span = fetchable(name, first, last, now_day)
        if span is None:
            continue
        have = stored.get(name, {})
        missing = [d for d in ranges.days(*span) if d not in have]
        if missing:
            groups[(account_metric_type(name), (missing[0], missing[-1]))].append(name)
    return groups


def _merge(
    name: str,
    first: date,
    last: date,
    stored: dict[date, snapshots.DayValue],
    fetched: Fetched | None,
    span: tuple[date, date] | None,
) -> MetricRead:
    daily = {d: v.value for d, v in stored.items() if v.value is not None}
    if fetched is not None:
        daily.update(fetched.daily.get(name, {}))
    known = {d: daily[d] for d in ranges.days(first, last) if d in daily}
    # A time series' total is the sum of its days (for reach: daily reach, not unique accounts).
    total: int | None = sum(known.values()) if known else None
    if fetched is not None and span is not None and account_metric_type(name) != TIME_SERIES:
        outside = sum(v for d, v in known.items() if not span[0] <= d <= span[1])
        inside = fetched.totals.get(name)
        total = outside + inside if inside is not None else (total if known else None)
    points = [DayPoint(date=d, value=v) for d, v in sorted(known.items())]
    return MetricRead(name=name, metric_type=account_metric_type(name), total=total, values=points)


def _settled(fetched: Fetched, now_day: date) -> list[snapshots.DayValue]:
    return [
        snapshots.DayValue(metric, day, value)
        for metric, days in fetched.daily.items()
        for day, value in days.items()
        if day < now_day
    ]


async def account_insights(
    session: AsyncSession,
    *,
    account: Account,
    services: Services,
    metrics: Sequence[str] | None,
    since: date | None,
    until: date | None,
    period: str = "day",
) -> AccountInsightsRead:
    """Account metrics by day (or week, 28 days) over the range, from the cache, snapshots, then Meta."""
    client = client_for(account, services)
    names = account_metrics(metrics, services.graph.api_version)
    first, last = check_range(since, until)
    days_per_point = check_period(period)
    key = cache.key("account", account.id, metrics=names, since=first, until=last, period=period)
    cached = await cache.get(services.kv, key)
    if cached is not None:
        return AccountInsightsRead.model_validate({**cached, "source": "cache", "graph_calls": 0})
    stored = await snapshots.load_days(session, account_id=account.id, metrics=names, first=first, last=last)
    answers: dict[str, tuple[Fetched | None, tuple[date, date] | None]] = {}
    calls = 0
    async with graph_errors(session, account):
        for (metric_type, span), group in _plan(names, stored, first, last).items():
            fetched = await fetch(client, account.platform_account_id, metric_type, group, span)
            calls += fetched.calls
            answers.update(dict.fromkeys(group, (fetched, span)))
            await snapshots.store_days(
                session, account_id=account.id, values=_settled(fetched, ranges.today())
            )
    results = [
        _merge(name, first, last, stored.get(name, {}), *answers.get(name, (None, None))) for name in names
    ]
    for result in results:
        result.values = rebucket(result.values, first, last, days_per_point)
    source = "graph" if calls and not stored else "mixed" if calls else "snapshots"
    answer = AccountInsightsRead(
        account_id=account.id,
        period=period,
        since=first,
        until=last,
        metrics=results,
        source=source,
        graph_calls=calls,
    )
    await cache.put(services.kv, key, answer.model_dump(mode="json"), live=last >= ranges.today())
    return answer
