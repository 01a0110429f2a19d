"""Insights endpoints under /api/v1/instagram: account, audience, media, Page, CSV export, best times."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from clipper.deps import UserOutsideTransaction, get_resources
from clipper.inputs import DbId, GraphId
from clipper.insights import service
from clipper.insights.schemas import (
    AccountInsightsRead,
    AudienceRead,
    BestTimesRead,
    MediaInsightsPage,
    MediaInsightsRead,
    OnlineFollowersRead,
    PageInsightsRead,
)

router = APIRouter(prefix="/instagram", tags=["insights"])


def get_services(request: Request) -> service.Services:
    """The gateway to Meta and the answer cache (endpoints using them hold no request transaction)."""
    return service.Services.of(get_resources(request))


ServicesDep = Annotated[service.Services, Depends(get_services)]
MetricsQuery = Annotated[str | None, Query(description="Comma-separated metric names (default: all).")]


def split(metrics: str | None) -> list[str] | None:
    """A comma list as names (None when absent)."""
    return [m.strip() for m in metrics.split(",") if m.strip()] if metrics else None


@router.get("/accounts/{account_id}/insights", response_model=AccountInsightsRead)
async def account_insights(
    account_id: DbId,
    user: UserOutsideTransaction,
    services: ServicesDep,
    metrics: MetricsQuery = None,
    period: str = "day",
    since: date | None = None,
    until: date | None = None,
) -> AccountInsightsRead:
    """Account metrics per day, week or days_28 from `since` to `until` (inclusive; default last 30 days)."""
    return await service.get_account_insights(
        user=user,
        account_id=account_id,
        services=services,
        metrics=split(metrics),
        since=since,
        until=until,
        period=period,
    )


@router.get("/media/{media_id}/insights", response_model=MediaInsightsRead)
async def media_insights(
    media_id: GraphId,
    user: UserOutsideTransaction,
    services: ServicesDep,
    account_id: DbId | None = None,
    metrics: MetricsQuery = None,
) -> MediaInsightsRead:
    """Lifetime numbers of a post, reel or story (metrics its type lacks are listed as unsupported)."""
    return await service.get_media_insights(
        user=user,
        media_id=media_id,
        services=services,
        account_id=account_id,
        metrics=split(metrics),
    )


@router.get("/accounts/{account_id}/media-insights", response_model=MediaInsightsPage)
async def media_insights_list(
    account_id: DbId,
    user: UserOutsideTransaction,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=service.MEDIA_PAGE_MAX)] = 25,
    cursor: Annotated[str | None, Query(max_length=512, pattern=r"^[A-Za-z0-9_=\-]+$")] = None,
) -> MediaInsightsPage:
    """The account's recent media, newest first, with their lifetime numbers (`next_cursor` pages on)."""
    return await service.list_media_insights(
        user=user, account_id=account_id, services=services, limit=limit, cursor=cursor
    )


@router.get("/accounts/{account_id}/insights/audience", response_model=AudienceRead)
async def audience(
    account_id: DbId,
    user: UserOutsideTransaction,
    services: ServicesDep,
    breakdown: str = "country",
    metric: str = "follower_demographics",
    timeframe: str = "this_month",
) -> AudienceRead:
    """Audience demographics by age, city, country or gender (top 45 buckets)."""
    return await service.get_audience(
        user=user,
        account_id=account_id,
        services=services,
        metric=metric,
        breakdown=breakdown,
        timeframe=timeframe,
    )


@router.get("/accounts/{account_id}/insights/online-followers", response_model=OnlineFollowersRead)
async def online_followers(
    account_id: DbId, user: UserOutsideTransaction, services: ServicesDep
) -> OnlineFollowersRead:
    """Followers online per hour (UTC) over the last 30 days, overall and per weekday."""
    return await service.get_online_followers(user=user, account_id=account_id, services=services)


@router.get("/accounts/{account_id}/insights/page", response_model=PageInsightsRead)
async def page_insights(
    account_id: DbId,
    user: UserOutsideTransaction,
    services: ServicesDep,
    metrics: MetricsQuery = None,
    since: date | None = None,
    until: date | None = None,
) -> PageInsightsRead:
    """Daily metrics of the linked Facebook Page."""
    return await service.get_page_insights(
        user=user,
        account_id=account_id,
        services=services,
        metrics=split(metrics),
        since=since,
        until=until,
    )


@router.get("/accounts/{account_id}/insights/export.csv", response_class=Response)
async def export_csv(
    account_id: DbId,
    user: UserOutsideTransaction,
    services: ServicesDep,
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """Account metrics by day and every post's numbers over the range, as CSV."""
    text = await service.export_csv(
        user=user, account_id=account_id, services=services, since=since, until=until
    )
    filename = f"insights-{account_id}.csv"
    return Response(
        text, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/accounts/{account_id}/best-times", response_model=BestTimesRead)
async def best_times(
    account_id: DbId, user: UserOutsideTransaction, services: ServicesDep, tz: str = "UTC"
) -> BestTimesRead:
    """Recommended posting hours per weekday, with the evidence behind each."""
    return await service.get_best_times(user=user, account_id=account_id, services=services, timezone=tz)
