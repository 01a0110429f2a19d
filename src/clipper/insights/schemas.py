"""Response shapes of the insights endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Source = Literal["graph", "snapshots", "cache", "mixed"]


class DayPoint(BaseModel):
    date: date
    value: int


class MetricRead(BaseModel):
    """One account metric over the range: the days we know, and the total."""

    name: str
    metric_type: str
    total: int | None
    values: list[DayPoint] = Field(default_factory=list)


class AccountInsightsRead(BaseModel):
    account_id: int
    period: str = "day"
    since: date
    until: date
    metrics: list[MetricRead]
    source: Source
    graph_calls: int = 0


class AudienceBucket(BaseModel):
    dimensions: list[str]
    value: int


class AudienceRead(BaseModel):
    """Audience demographics by one breakdown (age, city, country or gender)."""

    account_id: int
    metric: str
    breakdown: str
    timeframe: str
    total: int | None
    buckets: list[AudienceBucket]
    source: Source


class OnlineFollowersRead(BaseModel):
    """Followers online per hour (UTC), averaged over the days Meta reports, and per weekday."""

    account_id: int
    days: int
    hourly: dict[str, int]
    by_weekday: dict[str, dict[str, int]]
    source: Source


class MediaInsightsRead(BaseModel):
    """Lifetime numbers of one media; metrics its product type does not support are listed, not fatal."""

    account_id: int
    media_id: str
    media_product_type: str
    metrics: dict[str, Any]
    unsupported: list[str] = Field(default_factory=list)
    captured_at: datetime | None = None
    source: Source
    note: str | None = None


class MediaWithInsightsRead(BaseModel):
    """One of the account's media and its lifetime numbers (from Meta now, or the stored snapshot)."""

    id: str
    caption: str | None = None
    media_type: str | None = None
    media_product_type: str | None = None
    permalink: str | None = None
    timestamp: datetime | None = None
    thumbnail_url: str | None = None
    like_count: int | None = None
    comments_count: int | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)
    captured_at: datetime | None = None
    source: Source
    note: str | None = None


class MediaInsightsPage(BaseModel):
    """A page of the account's media, newest first; `graph_calls` is what this page cost."""

    account_id: int
    items: list[MediaWithInsightsRead]
    next_cursor: str | None = None
    graph_calls: int = 0


class PageInsightsRead(BaseModel):
    account_id: int
    page_id: str
    since: date
    until: date
    metrics: list[MetricRead]
    source: Source


class HourEvidence(BaseModel):
    """Why an hour is recommended."""

    hour: int
    score: float
    online_followers: int | None
    posts: int
    avg_engagement_rate: float | None


class WeekdayRecommendation(BaseModel):
    weekday: str
    hours: list[HourEvidence]


class BestTimesRead(BaseModel):
    account_id: int
    timezone: str
    recommendations: list[WeekdayRecommendation]
    evidence: dict[str, Any]
