"""Retired insights metrics (GRAPH_API.md §7.3): from which version, and from which date on every version.

A retired metric is refused with code 100 once the request's version is at or above the retiring
version, or once the sandbox clock passes the date the retirement reached all versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

_DOCS_USER = "https://developers.facebook.com/docs/instagram-api/reference/ig-user/insights"
_DOCS_MEDIA = "https://developers.facebook.com/docs/instagram-api/reference/ig-media/insights"


@dataclass(frozen=True)
class Retirement:
    """When a metric stopped being served."""

    version: int
    all_versions_from: datetime
    # True when Meta answers with the "Starting from version N" sentence rather than the value list.
    version_sentence: bool = False


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


_V21 = Retirement(21, _at(2025, 1, 8))
_V22 = Retirement(22, _at(2025, 4, 21), version_sentence=True)
_V22_PLAIN = Retirement(22, _at(2025, 4, 21))
_V18 = Retirement(18, _at(2023, 12, 11))

ACCOUNT_RETIRED: dict[str, Retirement] = {
    "email_contacts": _V21,
    "get_directions_clicks": _V21,
    "phone_call_clicks": _V21,
    "text_message_clicks": _V21,
    "website_clicks": _V21,
    "impressions": _V22,
    "audience_gender_age": _V18,
    "audience_locale": _V18,
    "audience_country": _V18,
    "audience_city": _V18,
}

# Metrics that remain as total_value only: their time series went away (§7.3).
ACCOUNT_TIME_SERIES_RETIRED: dict[str, Retirement] = {"profile_views": _V21}

MEDIA_RETIRED: dict[str, Retirement] = {
    "video_views": _V21,
    "impressions": _V22,
    "plays": _V22_PLAIN,
    "clips_replays_count": _V22_PLAIN,
    "ig_reels_aggregated_all_plays_count": _V22_PLAIN,
    "engagement": _V18,
    "carousel_album_impressions": _V18,
    "carousel_album_reach": _V18,
    "carousel_album_engagement": _V18,
    "carousel_album_saved": _V18,
    "carousel_album_video_views": _V18,
    "taps_forward": _V18,
    "taps_back": _V18,
    "exits": _V18,
}

# Media made on or before this day keep `impressions` on v21 and older even after the cut-over (§7.3).
LEGACY_IMPRESSIONS_MEDIA_UNTIL = _at(2024, 7, 2)


def version_number(version: str) -> int:
    """`v22.0` -> 22."""
    return int(version.lstrip("v").split(".")[0])


def is_retired(retirement: Retirement, *, version: str, now: datetime) -> bool:
    """True when the metric is gone for this version at this time."""
    return version_number(version) >= retirement.version or now >= retirement.all_versions_from


def retired_message(metric: str, index: int, *, retirement: Retirement, valid: list[str], media: bool) -> str:
    """Meta's code-100 message for a retired metric."""
    if retirement.version_sentence:
        target, docs = ("media", _DOCS_MEDIA) if media else ("user", _DOCS_USER)
        return (
            f"(#100) Starting from version {retirement.version} and above, the {metric} metric is no longer "
            f"supported for the queried {target}. Please refer to the documentation at {docs} for a list of "
            "supported metrics."
        )
    return f"(#100) metric[{index}] must be one of the following values: {', '.join(valid)}"
