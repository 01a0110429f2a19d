"""Account metrics over a date range: snapshots first, then Meta in ≤ 30-day calls, merged and stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_INSIGHTS
from clipper.db import unit_of_work
from clipper.errors import InvalidInput
from clipper.insights import cache, ranges, snapshots
from clipper.insights.cache import Services
from clipper.insights.catalogue import (
    FOLLOWER_COUNT_DAYS,
    TIME_SERIES,
    TOTAL_VALUE,
    account_metric_type,
    account_metrics,
)
from clipper.insights.schemas import AccountInsightsRead, DayPoint, MetricRead
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.batch import MAX_BATCH
from clipper.instagram.insights import parse_insights

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
    client: InstagramGraphAPI,
    ig_id: str,
    metric_type: str,
    names: Sequence[str],
    span: tuple[date, date],
    days: Sequence[date] | None = None,
) -> Fetched:
    """Ask Meta for the metrics over the span in ≤ 30-day windows and merge the answers.

    Time series come by day in one call per window. Total-only metrics have no per-day form, so their
    days (`days`, default every day of the span) are asked one sub-request each, batched with the
    windows' totals: ≤ 50 per HTTP call instead of one call per day.
    """
    if metric_type == TIME_SERIES:
        return await _fetch_series(client, ig_id, names, span)
    return await _fetch_totals(client, ig_id, names, span, ranges.days(*span) if days is None else days)


async def _fetch_series(
    client: InstagramGraphAPI, ig_id: str, names: Sequence[str], span: tuple[date, date]
) -> Fetched:
    fetched = Fetched()
    for first, last in ranges.chunks(*span):
        items = await client.get_account_insights(
            ig_id,
            list(names),
            "day",
            metric_type=TIME_SERIES,
            since=ranges.day_start(first),
            until=ranges.window_end(last),
        )
        fetched.calls += 1
        for item in items:
            for point in item.values:
                if point.end_time is not None and isinstance(point.value, int | float):
                    fetched.daily[item.name][ranges.day_ending(point.end_time)] = int(point.value)
    return fetched


async def _fetch_totals(
    client: InstagramGraphAPI, ig_id: str, names: Sequence[str], span: tuple[date, date], days: Sequence[date]
) -> Fetched:
    windows = ranges.chunks(*span)
    # A one-day window's total already is that day's value.
    spans = [*windows, *((day, day) for day in sorted(set(days)) if (day, day) not in windows)]
    requests = [
        client.account_insights_request(
            ig_id,
            list(names),
            "day",
            metric_type=TOTAL_VALUE,
            since=ranges.day_start(a),
            until=ranges.window_end(b),
        )
        for a, b in spans
    ]
    answers = await client.batch(requests)
    fetched = Fetched(calls=-(-len(requests) // MAX_BATCH))
    for (first, last), answer in zip(spans, answers, strict=True):
        for item in parse_insights(answer.result()):
            if item.total_value is None or not isinstance(item.total_value.value, int | float):
                continue
            value = int(item.total_value.value)
            if (first, last) in windows:
                fetched.totals[item.name] += value
            if first == last:
                fetched.daily[item.name][first] = value
    return fetched


@dataclass
class Need:
    """Metrics of one metric_type missing days over one span: what to ask Meta."""

    names: list[str] = field(default_factory=list)
    days: set[date] = field(default_factory=set)


def plan(
    names: Sequence[str], stored: dict[str, dict[date, snapshots.DayValue]], first: date, last: date
) -> dict[tuple[str, tuple[date, date]], Need]:
    """Group the metrics that need Meta by (metric_type, span of missing days), with those days."""
    now_day = ranges.today()
    groups: dict[tuple[str, tuple[date, date]], Need] = defaultdict(Need)
    for name in names:
        span = fetchable(name, first, last, now_day)
        if span is None:
            continue
        have = stored.get(name, {})
        missing = [d for d in ranges.days(*span) if d not in have]
        if missing:
            need = groups[(account_metric_type(name), (missing[0], missing[-1]))]
            need.names.append(name)
            need.days.update(missing)
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
    *,
    account: Account,
    services: Services,
    metrics: Sequence[str] | None,
    since: date | None,
    until: date | None,
    period: str = "day",
) -> AccountInsightsRead:
    """Account metrics by day (or week, 28 days) over the range, from the cache, snapshots, then Meta."""
    client = services.client(account, MANAGE_INSIGHTS)
    names = account_metrics(metrics, services.graph.api_version)
    first, last = check_range(since, until)
    days_per_point = check_period(period)
    key = cache.key("account", account.id, metrics=names, since=first, until=last, period=period)
    cached = await cache.get(services.kv, key)
    if cached is not None:
        return AccountInsightsRead.model_validate({**cached, "source": "cache", "graph_calls": 0})
    async with unit_of_work(services.factory, immediate=False) as session:
        stored = await snapshots.load_days(
            session, account_id=account.id, metrics=names, first=first, last=last
        )
    answers: dict[str, tuple[Fetched | None, tuple[date, date] | None]] = {}
    calls = 0
    settled: list[snapshots.DayValue] = []
    async with services.meta_errors(account, permission=MANAGE_INSIGHTS):
        for (metric_type, span), need in plan(names, stored, first, last).items():
            fetched = await fetch(
                client, account.platform_account_id, metric_type, need.names, span, sorted(need.days)
            )
            calls += fetched.calls
            answers.update(dict.fromkeys(need.names, (fetched, span)))
            settled += _settled(fetched, ranges.today())
    if settled:
        await snapshots.keep_days(services.factory, account_id=account.id, values=settled)
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
