"""Facebook Page insights basics (GRAPH_API.md §7.4): daily metrics with the Page token, ≤ 90 days a call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.errors import Conflict, InvalidInput
from clipper.insights import cache, ranges
from clipper.insights.account import check_range
from clipper.insights.cache import Services
from clipper.insights.schemas import DayPoint, MetricRead, PageInsightsRead

READ_PAGE_ENGAGEMENT = "pages_read_engagement"

PAGE_METRICS = (
    "page_media_view",
    "page_total_media_view_unique",
    "page_post_engagements",
    "page_follows",
    "page_daily_follows_unique",
    "page_views_total",
)
MAX_PAGE_DAYS_PER_CALL = 90
# A level (followers today), not a daily flow: its total is the latest value, not a sum.
LEVEL_METRICS = frozenset({"page_follows"})


def page_of(account: Account) -> str:
    """The Facebook Page linked to the account."""
    if accounts.is_instagram_login(account):
        raise Conflict(
            "Page insights do not exist for this account: it is connected with Instagram Login, "
            "which has no Facebook Page. Its Instagram account and media insights are available."
        )
    page_id = (account.meta_info or {}).get("facebook_page_id")
    if not page_id:
        raise Conflict("This account has no linked Facebook Page on record: reconnect it.")
    return str(page_id)


def _names(metrics: Sequence[str] | None) -> list[str]:
    names = list(dict.fromkeys(metrics or PAGE_METRICS))
    unknown = [n for n in names if n not in PAGE_METRICS]
    if unknown:
        raise InvalidInput(
            f"Unknown Page metric(s): {', '.join(unknown)}. Use any of: {', '.join(PAGE_METRICS)}."
        )
    return names


def _metric(name: str, daily: dict[date, int]) -> MetricRead:
    points = [DayPoint(date=d, value=v) for d, v in sorted(daily.items())]
    total = (points[-1].value if name in LEVEL_METRICS else sum(p.value for p in points)) if points else None
    return MetricRead(name=name, metric_type="time_series", total=total, values=points)


async def page_insights(
    *,
    account: Account,
    services: Services,
    metrics: Sequence[str] | None,
    since: date | None,
    until: date | None,
) -> PageInsightsRead:
    """Daily Page metrics over the range."""
    names = _names(metrics)
    first, last = check_range(since, until)
    page_id = page_of(account)
    client = services.client(account, READ_PAGE_ENGAGEMENT)
    key = cache.key("page", account.id, metrics=names, since=first, until=last)
    cached = await cache.get(services.kv, key)
    if cached is not None:
        return PageInsightsRead.model_validate({**cached, "source": "cache"})
    daily: dict[str, dict[date, int]] = defaultdict(dict)
    async with services.meta_errors(account, permission=READ_PAGE_ENGAGEMENT):
        for start, end in ranges.chunks(first, last, MAX_PAGE_DAYS_PER_CALL):
            items = await client.get_page_insights(
                page_id, names, "day", since=ranges.day_start(start), until=ranges.window_end(end)
            )
            for item in items:
                for point in item.values:
                    if point.end_time is not None and isinstance(point.value, int | float):
                        daily[item.name][ranges.day_ending(point.end_time)] = int(point.value)
    results = [_metric(name, daily[name]) for name in names]
    answer = PageInsightsRead(
        account_id=account.id, page_id=page_id, since=first, until=last, metrics=results, source="graph"
    )
    await cache.put(services.kv, key, answer.model_dump(mode="json"), live=last >= ranges.today())
    return answer
