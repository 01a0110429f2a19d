"""`GET /{page-id}/insights` basics (GRAPH_API.md §7.4): Page metrics by day/week/days_28, Page token only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter
from graph_sandbox.insights.catalogue import Metric
from graph_sandbox.insights.media_catalogue import PAGE_METRICS
from graph_sandbox.insights.rules import parse_range, split_list
from graph_sandbox.insights.series import Source, days_between, end_time, period_value, source_for
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import Page, TokenKind

MAX_PAGE_RANGE_SECONDS = 90 * 86_400
# Page impressions and fan metrics went away on 2025-11-15 (§7.4).
REMOVED_PAGE_METRICS = frozenset({"page_impressions", "page_fans", "page_fan_adds", "page_fan_removes"})
PAGE_METRICS_REMOVED_AT = datetime(2025, 11, 15, tzinfo=UTC)
INVALID_METRIC = "(#100) The value must be a valid insights metric"


def _metrics(call: GraphCall) -> list[Metric]:
    names = split_list(call.params.get("metric"))
    if not names:
        raise missing_parameter("metric")
    for name in names:
        removed = name in REMOVED_PAGE_METRICS and call.clock.now() >= PAGE_METRICS_REMOVED_AT
        if removed or name not in PAGE_METRICS:
            raise invalid_parameter(INVALID_METRIC)
    return [PAGE_METRICS[name] for name in dict.fromkeys(names)]


def _series(call: GraphCall, source: Source, metric: Metric, period: str) -> dict[str, Any]:
    since, until = parse_range(call.params, call.clock.now(), max_seconds=MAX_PAGE_RANGE_SECONDS)
    days = [d for d in days_between(since, until) if 0 <= (source.today - d).days <= 730]
    return {
        "name": metric.name,
        "period": period,
        "values": [{"value": period_value(source, metric, d, period), "end_time": end_time(d)} for d in days],
        "title": metric.title,
        "description": metric.description,
        "id": f"{source.node_id}/insights/{metric.name}/{period}",
    }


@graph_handler(
    "page", "insights", "GET", permissions=("pages_read_engagement",), token_kinds=(TokenKind.PAGE,)
)
async def page_insights(call: GraphCall) -> dict[str, Any]:
    """Daily/weekly/28-day Page metrics."""
    page: Page = call.node
    metrics = _metrics(call)
    period = call.params.get("period") or "day"
    wrong = [m.name for m in metrics if period not in m.periods]
    if wrong:
        raise GraphError(
            100, f"(#100) The following metrics ({','.join(wrong)}) do not support the period ({period})"
        )
    source = source_for(call.config.seed, page.id, max(page.fan_count, 50), call.clock.now())
    return {"data": [_series(call, source, metric, period) for metric in metrics]}
