"""Who the audience is (demographics by age, city, country, gender) and when it is online."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_INSIGHTS
from clipper.db import unit_of_work
from clipper.errors import InvalidInput
from clipper.insights import cache, ranges, snapshots
from clipper.insights.cache import Services
from clipper.insights.catalogue import DEMOGRAPHIC_BREAKDOWNS, DEMOGRAPHIC_METRICS, TIMEFRAMES
from clipper.insights.schemas import AudienceBucket, AudienceRead, OnlineFollowersRead
from clipper.instagram import InstagramGraphAPI

ONLINE = "online_followers"
ONLINE_DAYS = 30
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _check(metric: str, breakdown: str, timeframe: str) -> None:
    for value, allowed, what in (
        (metric, DEMOGRAPHIC_METRICS, "metric"),
        (breakdown, DEMOGRAPHIC_BREAKDOWNS, "breakdown"),
        (timeframe, TIMEFRAMES, "timeframe"),
    ):
        if value not in allowed:
            raise InvalidInput(f"Unknown {what} {value!r}: use one of {', '.join(allowed)}.")


async def demographics(
    *,
    account: Account,
    services: Services,
    metric: str,
    breakdown: str,
    timeframe: str,
) -> AudienceRead:
    """The top buckets of one audience by one breakdown (Meta gives at most 45; needs ≥ 100 followers)."""
    _check(metric, breakdown, timeframe)
    client = services.client(account, MANAGE_INSIGHTS)
    key = cache.key("audience", account.id, metric=metric, breakdown=breakdown, timeframe=timeframe)
    cached = await cache.get(services.kv, key)
    if cached is not None:
        return AudienceRead.model_validate({**cached, "source": "cache"})
    async with services.meta_errors(account, permission=MANAGE_INSIGHTS):
        items = await client.get_account_insights(
            account.platform_account_id, [metric], "lifetime", breakdown=breakdown, timeframe=timeframe
        )
    total = items[0].total_value if items else None
    results = total.breakdowns[0].results if total and total.breakdowns else []
    answer = AudienceRead(
        account_id=account.id,
        metric=metric,
        breakdown=breakdown,
        timeframe=timeframe,
        total=int(total.value) if total and isinstance(total.value, int | float) else None,
        buckets=[AudienceBucket(dimensions=r.dimension_values, value=int(r.value)) for r in results],
        source="graph",
    )
    await cache.put(services.kv, key, answer.model_dump(mode="json"), live=False)
    return answer


async def missing_online(
    session: AsyncSession, *, account_id: int
) -> tuple[dict[date, dict[str, int]], list[date]]:
    """The stored per-hour curves of the last 30 finished days, and the days still missing."""
    last = ranges.today() - timedelta(days=1)
    first = last - timedelta(days=ONLINE_DAYS - 1)
    stored = await snapshots.load_days(
        session, account_id=account_id, metrics=[ONLINE], first=first, last=last
    )
    known = {d: v.detail for d, v in stored.get(ONLINE, {}).items() if v.detail}
    return known, [d for d in ranges.days(first, last) if d not in known]


async def fetch_online(
    client: InstagramGraphAPI, ig_id: str, missing: Sequence[date]
) -> list[snapshots.DayValue]:
    """The per-hour curves of the missing days, in one call (nothing to ask when none is missing)."""
    if not missing:
        return []
    items = await client.get_account_insights(
        ig_id, [ONLINE], "lifetime", since=ranges.day_start(missing[0]), until=ranges.window_end(missing[-1])
    )
    fetched: list[snapshots.DayValue] = []
    for point in items[0].values if items else []:
        if point.end_time is not None and isinstance(point.value, dict):
            hours = {str(h): int(v) for h, v in point.value.items()}
            fetched.append(
                snapshots.DayValue(ONLINE, ranges.day_ending(point.end_time), max(hours.values()), hours)
            )
    return fetched


async def online_days(*, account: Account, services: Services) -> tuple[dict[date, dict[str, int]], bool]:
    """Followers online per hour for each of the last 30 finished days (stored, then the rest from Meta)."""
    async with unit_of_work(services.factory, immediate=False) as session:
        known, missing = await missing_online(session, account_id=account.id)
    if not missing:
        return known, False
    client = services.client(account, MANAGE_INSIGHTS)
    async with services.meta_errors(account, permission=MANAGE_INSIGHTS):
        fetched = await fetch_online(client, account.platform_account_id, missing)
    await snapshots.keep_days(services.factory, account_id=account.id, values=fetched)
    known.update({v.day: v.detail or {} for v in fetched})
    return known, True


def _average(days: list[dict[str, int]]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for hours in days:
        for hour, value in hours.items():
            sums[hour] += value
    return {str(h): round(sums[str(h)] / len(days)) for h in range(24) if str(h) in sums}


def summarize(account_id: int, known: dict[date, dict[str, Any]], *, fetched: bool) -> OnlineFollowersRead:
    """Hourly averages over all days, and per weekday."""
    weekdays: dict[str, list[dict[str, int]]] = defaultdict(list)
    for day, hours in known.items():
        weekdays[WEEKDAYS[day.weekday()]].append(hours)
    return OnlineFollowersRead(
        account_id=account_id,
        days=len(known),
        hourly=_average(list(known.values())) if known else {},
        by_weekday={name: _average(weekdays[name]) for name in WEEKDAYS if weekdays[name]},
        source="graph" if fetched else "snapshots",
    )


async def online_followers(*, account: Account, services: Services) -> OnlineFollowersRead:
    """When the followers are online, per hour (UTC), over the last 30 days."""
    known, fetched = await online_days(account=account, services=services)
    return summarize(account.id, known, fetched=fetched)
