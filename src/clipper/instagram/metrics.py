"""Insight metric names: retired names mapped to their replacements (§7.3) and metric_type grouping (§7.1)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class Retired:
    """A metric name Meta retired: from `version` on, and on every version after `cutover`."""

    replacement: str
    version: int
    cutover: date


_V18 = (18, date(2023, 12, 11))
_V21 = (21, date(2025, 1, 8))
_V22 = (22, date(2025, 4, 21))

MEDIA_RETIRED: dict[str, Retired] = {
    "impressions": Retired("views", *_V22),
    "plays": Retired("views", *_V22),
    "clips_replays_count": Retired("views", *_V22),
    "ig_reels_aggregated_all_plays_count": Retired("views", *_V22),
    "video_views": Retired("views", *_V21),
    "engagement": Retired("total_interactions", *_V18),
    "taps_forward": Retired("navigation", *_V18),
    "taps_back": Retired("navigation", *_V18),
    "exits": Retired("navigation", *_V18),
}
ACCOUNT_RETIRED: dict[str, Retired] = {
    "impressions": Retired("views", *_V22),
    # No true successor exists for account profile views; `views` is the closest current measure.
    "profile_views": Retired("views", *_V21),
    "email_contacts": Retired("profile_links_taps", *_V21),
    "get_direction_clicks": Retired("profile_links_taps", *_V21),
    "phone_call_clicks": Retired("profile_links_taps", *_V21),
    "text_message_clicks": Retired("profile_links_taps", *_V21),
    "website_clicks": Retired("profile_links_taps", *_V21),
}

TOTAL_VALUE_ONLY = frozenset(
    {
        "views",
        "accounts_engaged",
        "total_interactions",
        "likes",
        "comments",
        "saves",
        "shares",
        "replies",
        "reposts",
        "follows_and_unfollows",
        "profile_links_taps",
        "follower_demographics",
        "engaged_audience_demographics",
        "reached_audience_demographics",
    }
)
BOTH_TYPES = frozenset({"reach"})


def version_number(api_version: str) -> int:
    """21 for 'v21.0'."""
    try:
        return int(api_version.lstrip("v").split(".")[0])
    except ValueError:
        return 0


def modernize(
    metrics: Iterable[str],
    retired: Mapping[str, Retired],
    api_version: str,
    logger: logging.Logger,
    today: date | None = None,
) -> list[str]:
    """Replace retired metric names (logging a deprecation warning) and drop duplicates, keeping order."""
    version = version_number(api_version)
    today = today or datetime.now(UTC).date()
    names: list[str] = []
    for metric in metrics:
        rule = retired.get(metric)
        if rule is not None and (version >= rule.version or today >= rule.cutover):
            logger.warning(
                "insights metric %r is retired on %s: requesting %r instead",
                metric,
                api_version,
                rule.replacement,
            )
            metric = rule.replacement
        if metric not in names:
            names.append(metric)
    return names


def group_by_metric_type(metrics: Sequence[str], breakdown: str | None) -> list[tuple[str | None, list[str]]]:
    """Split account metrics into the calls they need: total_value ones, and the rest (time series)."""
    total = [m for m in metrics if m in TOTAL_VALUE_ONLY or (breakdown and m in BOTH_TYPES)]
    series = [m for m in metrics if m not in total]
    groups: list[tuple[str | None, list[str]]] = []
    if total:
        groups.append(("total_value", total))
    if series:
        groups.append((None, series))
    return groups
