"""CSV export of account metrics by day and per-post numbers over a range (one tidy table)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from clipper.accounts.models import Account
from clipper.insights import posts as account_posts
from clipper.insights.account import account_insights, check_range
from clipper.insights.cache import Services
from clipper.insights.schemas import AccountInsightsRead

COLUMNS = (
    "scope",
    "start_date",
    "end_date",
    "media_id",
    "media_product_type",
    "permalink",
    "metric",
    "value",
)
Row = tuple[str, str, str, str, str, str, str, str]


def _account_rows(insights: AccountInsightsRead) -> Iterator[Row]:
    start, end = insights.since.isoformat(), insights.until.isoformat()
    for metric in insights.metrics:
        for point in metric.values:
            day = point.date.isoformat()
            yield ("account_day", day, day, "", "", "", metric.name, str(point.value))
        if metric.total is not None:
            yield ("account_total", start, end, "", "", "", metric.name, str(metric.total))


def _post_rows(posts: list[account_posts.PostMetrics]) -> Iterator[Row]:
    for post in posts:
        day = post.posted_at.date().isoformat()
        for name, value in post.values.items():
            if isinstance(value, int | float):
                yield ("post", day, day, post.media_id, post.product, post.permalink or "", name, str(value))


async def export_csv(*, account: Account, services: Services, since: date | None, until: date | None) -> str:
    """Account metrics (per day where known, and totals) and every post's numbers, as CSV text."""
    first, last = check_range(since, until)
    insights = await account_insights(
        account=account, services=services, metrics=None, since=first, until=last
    )
    posts = await account_posts.posts_between(account=account, services=services, first=first, last=last)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_account_rows(insights))
    writer.writerows(_post_rows(posts))
    return buffer.getvalue()
