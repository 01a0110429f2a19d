"""Insights entry points for the router, CLI, jobs and other domains (the webhook hook lives here too).

Everything is scoped to the user: an account or media that is not theirs is a 404. Graph calls go
through the accounts gateway, `clipper.accounts.graph` (permission checks first, Graph errors mapped to
actionable ClipperErrors).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.db import unit_of_work
from clipper.insights import account as account_metrics
from clipper.insights import audience, best_times, export, media_list, page, stories
from clipper.insights import media as media_metrics
from clipper.insights.cache import Services
from clipper.insights.schemas import (
    AccountInsightsRead,
    AudienceRead,
    BestTimesRead,
    MediaInsightsPage,
    MediaInsightsRead,
    OnlineFollowersRead,
    PageInsightsRead,
)
from clipper.users.models import User

__all__ = [
    "MEDIA_PAGE_MAX",
    "Services",
    "export_csv",
    "get_account_insights",
    "get_audience",
    "get_best_times",
    "get_media_insights",
    "list_media_insights",
    "get_online_followers",
    "get_page_insights",
    "record_story_insights",
]

MEDIA_PAGE_MAX = media_list.MAX_LIMIT  # the most media one page holds: their insights are one batch


async def _account(services: Services, *, user: User, account_id: int) -> Account:
    """One of the user's accounts, read in a short unit of work that ends before Meta is called."""
    async with unit_of_work(services.factory, immediate=False) as session:
        return await accounts.get_account(session, user=user, account_id=account_id)


async def get_account_insights(
    *,
    user: User,
    account_id: int,
    services: Services,
    metrics: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    period: str = "day",
) -> AccountInsightsRead:
    """Account metrics over a date range (at most 30 days per Graph call, snapshots first)."""
    account = await _account(services, user=user, account_id=account_id)
    return await account_metrics.account_insights(
        account=account, services=services, metrics=metrics, since=since, until=until, period=period
    )


async def get_media_insights(
    *,
    user: User,
    media_id: str,
    services: Services,
    account_id: int | None = None,
    metrics: Sequence[str] | None = None,
) -> MediaInsightsRead:
    """Lifetime numbers of one media of the user's accounts."""
    async with unit_of_work(services.factory, immediate=False) as session:
        account = await media_metrics.media_account(
            session, user=user, media_id=media_id, account_id=account_id
        )
    return await media_metrics.media_insights(
        account=account, media_id=media_id, services=services, metrics=metrics
    )


async def list_media_insights(
    *,
    user: User,
    account_id: int,
    services: Services,
    limit: int = 25,
    cursor: str | None = None,
) -> MediaInsightsPage:
    """A page of the account's recent media with their lifetime numbers (two Graph calls at most)."""
    account = await _account(services, user=user, account_id=account_id)
    return await media_list.media_page(account=account, services=services, limit=limit, cursor=cursor)


async def record_story_insights(
    session: AsyncSession, *, account: Account, media_id: str, values: Mapping[str, Any]
) -> None:
    """Store a story's final numbers from Meta's `story_insights` webhook (`values` as Meta sent them)."""
    await stories.record_story_insights(session, account=account, media_id=media_id, values=dict(values))


async def get_audience(
    *,
    user: User,
    account_id: int,
    services: Services,
    metric: str,
    breakdown: str,
    timeframe: str,
) -> AudienceRead:
    """Audience demographics by age, city, country or gender."""
    account = await _account(services, user=user, account_id=account_id)
    return await audience.demographics(
        account=account, services=services, metric=metric, breakdown=breakdown, timeframe=timeframe
    )


async def get_online_followers(*, user: User, account_id: int, services: Services) -> OnlineFollowersRead:
    """When the account's followers are online, per hour, over the last 30 days."""
    account = await _account(services, user=user, account_id=account_id)
    return await audience.online_followers(account=account, services=services)


async def get_page_insights(
    *,
    user: User,
    account_id: int,
    services: Services,
    metrics: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> PageInsightsRead:
    """Daily metrics of the Facebook Page linked to the account."""
    account = await _account(services, user=user, account_id=account_id)
    return await page.page_insights(
        account=account, services=services, metrics=metrics, since=since, until=until
    )


async def export_csv(
    *,
    user: User,
    account_id: int,
    services: Services,
    since: date | None = None,
    until: date | None = None,
) -> str:
    """Account metrics and per-post numbers over the range, as CSV text."""
    account = await _account(services, user=user, account_id=account_id)
    return await export.export_csv(account=account, services=services, since=since, until=until)


async def get_best_times(
    *, user: User, account_id: int, services: Services, timezone: str = "UTC"
) -> BestTimesRead:
    """Recommended posting hours per weekday, with their evidence."""
    account = await _account(services, user=user, account_id=account_id)
    return await best_times.best_times(account=account, services=services, timezone=timezone)
