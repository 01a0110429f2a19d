"""`GET /{media-id}/insights` (§7.2): lifetime metrics per media product type, lowercase breakdowns."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter, unsupported_request
from graph_sandbox.insights.account import INSIGHTS_PERMISSIONS, metric_id
from graph_sandbox.insights.catalogue import BREAKDOWN_VALUES, Metric
from graph_sandbox.insights.generator import media_value, split, unit
from graph_sandbox.insights.media_catalogue import MEDIA_METRICS
from graph_sandbox.insights.retired import (
    LEGACY_IMPRESSIONS_MEDIA_UNTIL,
    MEDIA_RETIRED,
    is_retired,
    retired_message,
    version_number,
)
from graph_sandbox.insights.rules import split_list
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import Media

if TYPE_CHECKING:
    from graph_sandbox.state import Sandbox

STORY_LIFETIME = timedelta(hours=24)
MIN_STORY_VIEWERS = 5
NOT_ENOUGH_VIEWERS = "(#10) Not enough viewers for the media to show insights"


def _retired(name: str, media: Media, version: str, now: datetime) -> bool:
    retirement = MEDIA_RETIRED.get(name)
    if retirement is None:
        return False
    if name == "impressions" and version_number(version) < retirement.version:
        # v21 and older keep impressions for media made on or before 2024-07-01 (§7.3).
        return now >= retirement.all_versions_from and media.timestamp >= LEGACY_IMPRESSIONS_MEDIA_UNTIL
    return is_retired(retirement, version=version, now=now)


def product_of(media: Media) -> str:
    """The catalogue column of a media: FEED (also ads and albums), REELS or STORY."""
    return media.media_product_type if media.media_product_type in ("REELS", "STORY") else "FEED"


def _metrics(call: GraphCall, media: Media) -> list[Metric]:
    names = split_list(call.params.get("metric"))
    if not names:
        raise missing_parameter("metric")
    now, version = call.clock.now(), call.version
    valid = [name for name in MEDIA_METRICS if not _retired(name, media, version, now)]
    for index, name in enumerate(names):
        retirement = MEDIA_RETIRED.get(name)
        if retirement and _retired(name, media, version, now):
            raise invalid_parameter(
                retired_message(name, index, retirement=retirement, valid=valid, media=True)
            )
        if name not in MEDIA_METRICS:
            raise invalid_parameter(
                f"(#100) metric[{index}] must be one of the following values: {', '.join(valid)}"
            )
        if product_of(media) not in MEDIA_METRICS[name].products:
            raise invalid_parameter(
                f"(#100) The Media Insights API does not support the {name} metric "
                "for this media product type."
            )
    return [MEDIA_METRICS[name] for name in dict.fromkeys(names)]


def _breakdown(call: GraphCall, metrics: list[Metric]) -> str | None:
    names = split_list(call.params.get("breakdown"))
    if not names:
        return None
    # §7.2: a breakdown the metric does not take gets Meta's generic error.
    if len(names) > 1 or any(names[0] not in m.breakdowns for m in metrics):
        raise GraphError(1, "An unknown error has occurred.")
    return names[0]


class MediaNumbers:
    """Lifetime values of one media, consistent with each other (interactions = likes + comments + …)."""

    def __init__(self, sandbox: Sandbox, media: Media) -> None:
        world = sandbox.world
        owner = world.ig_users.get(media.ig_user_id)
        self.seed, self.media = sandbox.config.seed, media
        self.followers = owner.followers_count if owner else 0
        hours = max(0.0, (sandbox.clock.now() - media.timestamp).total_seconds() // 3600)
        self.maturity = 1 - math.exp(-(hours + 1) / 18)
        self.comment_count = sum(
            1 for c in world.comments.values() if c.media_id == media.id and not c.deleted
        )

    def generated(self, name: str) -> int:
        rate = MEDIA_METRICS[name].rate
        return media_value(
            self.seed, self.media.id, name, followers=self.followers, rate=rate, maturity=self.maturity
        )

    def value(self, name: str) -> int | float:
        if name == "likes":
            return self.media.like_count or self.generated("likes")
        if name in ("comments", "total_comments"):
            return self.comment_count
        if name == "total_interactions":
            return sum(int(self.value(n)) for n in ("likes", "comments", "saved", "shares"))
        if name == "views":
            return max(self.generated("views"), self.generated("reach"))
        if name == "ig_reels_avg_watch_time":
            return 3000 + int(12000 * unit(self.seed, self.media.id, name))
        if name == "ig_reels_video_view_total_time":
            return int(self.value("ig_reels_avg_watch_time")) * int(self.value("views"))
        if name == "reels_skip_rate":
            return round(10 + 40 * unit(self.seed, self.media.id, name), 1)
        return self.generated(name)


def _item(media: Media, metric: Metric, numbers: MediaNumbers, breakdown: str | None) -> dict[str, Any]:
    value = numbers.value(metric.name)
    item: dict[str, Any] = {
        "name": metric.name,
        "period": "lifetime",
        "values": [{"value": value}],
        "title": metric.title,
        "description": metric.description,
    }
    if breakdown:
        parts = split(
            int(value), list(BREAKDOWN_VALUES[breakdown]), numbers.seed, media.id, metric.name, breakdown
        )
        results = [{"dimension_values": [key.lower()], "value": v} for key, v in parts.items() if v > 0]
        item["total_value"] = {
            "value": value,
            "breakdowns": [{"dimension_keys": [breakdown], "results": results}],
        }
    item["id"] = metric_id(media.id, metric.name, "lifetime")
    return item


def _check_story(call: GraphCall, media: Media, numbers: MediaNumbers) -> None:
    if media.media_product_type != "STORY":
        return
    if call.clock.now() - media.timestamp > STORY_LIFETIME:
        raise unsupported_request(media.id, "GET")
    if numbers.value("reach") < MIN_STORY_VIEWERS:
        raise GraphError(10, NOT_ENOUGH_VIEWERS)


@graph_handler("media", "insights", "GET", permissions=INSIGHTS_PERMISSIONS)
async def media_insights(call: GraphCall) -> dict[str, Any]:
    """Lifetime insights of one media."""
    media: Media = call.node
    if media.is_carousel_child:
        raise invalid_parameter("(#100) Insights are not available for carousel children")
    period = call.params.get("period")
    if period and period != "lifetime":
        raise invalid_parameter("(#100) period must be one of the following values: lifetime")
    metrics = _metrics(call, media)
    breakdown = _breakdown(call, metrics)
    numbers = MediaNumbers(call.sandbox, media)
    _check_story(call, media, numbers)
    return {"data": [_item(media, metric, numbers, breakdown) for metric in metrics]}


def story_webhook_metrics(sandbox: Sandbox, media: Media) -> dict[str, int]:
    """The legacy-named numbers of a `story_insights` webhook for an expiring story."""
    numbers = MediaNumbers(sandbox, media)
    reach = int(numbers.value("reach"))
    taps = split(
        int(numbers.value("navigation")), ["taps_forward", "taps_back", "exits"], numbers.seed, media.id
    )
    return {
        "impressions": int(numbers.value("views")),
        "reach": reach,
        **taps,
        "replies": int(numbers.value("replies")),
    }
