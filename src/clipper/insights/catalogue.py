"""Which metrics we ask Meta for (GRAPH_API.md §7): account metrics and metric_type, media by product type."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from clipper.errors import InvalidInput
from clipper.instagram.metrics import ACCOUNT_RETIRED, MEDIA_RETIRED, TOTAL_VALUE_ONLY, modernize

log = logging.getLogger(__name__)

TIME_SERIES = "time_series"
TOTAL_VALUE = "total_value"

ACCOUNT_METRICS: tuple[str, ...] = (
    "views",
    "reach",
    "accounts_engaged",
    "total_interactions",
    "likes",
    "comments",
    "saves",
    "shares",
    "replies",
    "follower_count",
    "follows_and_unfollows",
    "profile_links_taps",
)
DEFAULT_ACCOUNT_METRICS = tuple(m for m in ACCOUNT_METRICS if m != "replies")
# Meta keeps only 30 days of follower_count, excluding today.
FOLLOWER_COUNT_DAYS = 30

DEMOGRAPHIC_METRICS = (
    "follower_demographics",
    "engaged_audience_demographics",
    "reached_audience_demographics",
)
DEMOGRAPHIC_BREAKDOWNS = ("age", "city", "country", "gender")
TIMEFRAMES = ("last_14_days", "last_30_days", "last_90_days", "prev_month", "this_month", "this_week")

FEED, REELS, STORY = "FEED", "REELS", "STORY"
_COMMON = ("views", "reach", "shares", "total_interactions", "reposts")
MEDIA_CATALOGUE: dict[str, tuple[str, ...]] = {
    FEED: (*_COMMON, "likes", "comments", "saved", "follows", "profile_visits", "profile_activity"),
    REELS: (
        *_COMMON,
        "likes",
        "comments",
        "saved",
        "ig_reels_avg_watch_time",
        "ig_reels_video_view_total_time",
        "reels_skip_rate",
    ),
    STORY: (*_COMMON, "follows", "profile_visits", "profile_activity", "navigation", "replies"),
}
# The legacy names in Meta's `story_insights` webhook, mapped to today's metrics.
STORY_WEBHOOK_NAMES = {"impressions": "views", "reach": "reach", "replies": "replies"}
STORY_NAVIGATION_PARTS = ("taps_forward", "taps_back", "exits", "swipe_forward")


def product_of(media_product_type: str | None) -> str:
    """The catalogue column of a media: FEED (also ads and albums), REELS or STORY."""
    return media_product_type if media_product_type in (REELS, STORY) else FEED


def account_metric_type(metric: str) -> str:
    """The metric_type Meta wants for a day-period account metric."""
    return TOTAL_VALUE if metric in TOTAL_VALUE_ONLY else TIME_SERIES


def account_metrics(requested: Iterable[str] | None, api_version: str) -> list[str]:
    """Requested names in order, retired ones mapped to their successor (impressions, plays → views)."""
    names = [n.strip() for n in requested or () if n.strip()] or list(DEFAULT_ACCOUNT_METRICS)
    retired = {**{k: v for k, v in MEDIA_RETIRED.items() if v.replacement == "views"}, **ACCOUNT_RETIRED}
    current = modernize(names, retired, api_version, log)
    unknown = [name for name in current if name not in ACCOUNT_METRICS]
    if unknown:
        raise InvalidInput(
            f"Unknown account metric(s): {', '.join(unknown)}. Use any of: {', '.join(ACCOUNT_METRICS)}."
        )
    return current


def media_metrics(
    product: str, requested: Iterable[str] | None, api_version: str
) -> tuple[list[str], list[str]]:
    """The requested (or all) metrics this product type supports, and those it does not."""
    supported = MEDIA_CATALOGUE[product]
    names = [n.strip() for n in requested or () if n.strip()]
    if not names:
        return list(supported), []
    current = modernize(names, MEDIA_RETIRED, api_version, log)
    return [n for n in current if n in supported], [n for n in current if n not in supported]
