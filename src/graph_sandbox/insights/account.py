"""`GET /{ig-user-id}/insights` (GRAPH_API.md §7.1): validated by `rules`, numbers from `series`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from graph_sandbox.insights import eligibility
from graph_sandbox.insights.catalogue import BREAKDOWN_VALUES, TOTAL_VALUE, Metric
from graph_sandbox.insights.demographics import breakdown as demographic_breakdown
from graph_sandbox.insights.generator import hourly_online, split
from graph_sandbox.insights.rules import AccountQuery, parse_account_query
from graph_sandbox.insights.series import Source, day_value, days_between, end_time, source_for
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import InstagramUser

INSIGHTS_PERMISSIONS = ("instagram_basic", "instagram_manage_insights", "pages_read_engagement")
_TIMEFRAME_DAYS = {
    "last_14_days": 14,
    "last_30_days": 30,
    "last_90_days": 90,
    "prev_month": 30,
    "this_month": 15,
    "this_week": 4,
}


def metric_id(node_id: str, metric: str, period: str) -> str:
    """`<node-id>/insights/<metric>/<period>`."""
    return f"{node_id}/insights/{metric}/{period}"


def _header(metric: Metric, period: str) -> dict[str, Any]:
    return {"name": metric.name, "period": period, "title": metric.title, "description": metric.description}


def _source(call: GraphCall, ig: InstagramUser) -> Source:
    return source_for(call.config.seed, ig.id, ig.followers_count, call.clock.now())


def _breakdowns_block(
    source: Source, metric: Metric, total: int, keys: tuple[str, ...], salt: str
) -> list[dict[str, Any]]:
    combos: list[tuple[str, ...]] = [()]
    for key in keys:
        combos = [(*c, v) for c in combos for v in BREAKDOWN_VALUES[key]]
    labels = ["|".join(c) for c in combos]
    parts = split(total, labels, source.seed, source.node_id, metric.name, salt, ",".join(keys))
    results = [{"dimension_values": label.split("|"), "value": v} for label, v in parts.items() if v > 0]
    return [{"dimension_keys": list(keys), "results": results}]


def _time_series(source: Source, metric: Metric, query: AccountQuery) -> dict[str, Any] | None:
    days = [d for d in days_between(query.since, query.until) if source.in_retention(d)]
    if metric.name == "follower_count":
        days = [d for d in days if d < source.today]  # the last 30 days, excluding today
    if not days:
        return None
    if metric.name == "online_followers":
        values: list[dict[str, Any]] = [
            {
                "value": hourly_online(source.seed, source.node_id, d, followers=source.followers_on(d)),
                "end_time": end_time(d),
            }
            for d in days
        ]
    else:
        values = [{"value": day_value(source, metric, d), "end_time": end_time(d)} for d in days]
    return {**_header(metric, query.period), "values": values}


def _demographics(source: Source, metric: Metric, query: AccountQuery) -> dict[str, Any]:
    span = _TIMEFRAME_DAYS[query.timeframe or "last_30_days"]
    total = round(source.followers * metric.rate * (0.9 + 0.1 * min(span, 30) / 30))
    block: dict[str, Any] = {"value": total}
    if query.breakdowns:
        keys = list(query.breakdowns)
        results = demographic_breakdown(
            total, keys, source.seed, source.node_id, metric.name, query.timeframe or ""
        )
        block["breakdowns"] = [{"dimension_keys": keys, "results": results}]
    return {**_header(metric, query.period), "total_value": block}


def _total_value(source: Source, metric: Metric, query: AccountQuery) -> dict[str, Any] | None:
    if metric.demographic:
        return _demographics(source, metric, query)
    days = [d for d in days_between(query.since, query.until) if source.in_retention(d)]
    if not days:
        return None
    total = sum(day_value(source, metric, d) for d in days)
    block: dict[str, Any] = {"value": total}
    if query.breakdowns:
        salt = f"{days[0]}:{days[-1]}"
        block["breakdowns"] = _breakdowns_block(source, metric, total, query.breakdowns, salt)
    return {**_header(metric, query.period), "total_value": block}


def _paging(call: GraphCall, query: AccountQuery) -> dict[str, str]:
    span = query.until - query.since
    url = call.graph_url(str(call.node_id), "insights")

    def shifted(delta: timedelta) -> str:
        params = {
            **call.params,
            "since": str(int((query.since + delta).timestamp())),
            "until": str(int((query.until + delta).timestamp())),
        }
        return f"{url}?{urlencode(params)}"

    return {"previous": shifted(-span), "next": shifted(span)}


def build_account_insights(call: GraphCall, ig: InstagramUser, query: AccountQuery) -> dict[str, Any]:
    """The response body for a validated query against one account."""
    source = _source(call, ig)
    data: list[dict[str, Any]] = []
    eligible = eligibility.insights_enabled(call.world, ig.id)
    for metric in query.metrics:
        if not eligible or ig.followers_count < metric.min_followers:
            continue  # §7.1: missing data is an empty list, not zeros
        build = _total_value if query.metric_type == TOTAL_VALUE else _time_series
        item = build(source, metric, query)
        if item is not None:
            item["id"] = metric_id(ig.id, metric.name, query.period)
            data.append(item)
    body: dict[str, Any] = {"data": data}
    if data and not any(m.demographic for m in query.metrics):
        body["paging"] = _paging(call, query)
    return body


@graph_handler("ig_user", "insights", "GET", permissions=INSIGHTS_PERMISSIONS)
async def account_insights(call: GraphCall) -> dict[str, Any]:
    """Account insights for the IG user in the path."""
    query = parse_account_query(call.params, version=call.version, now=call.clock.now())
    ig: InstagramUser = call.node
    return build_account_insights(call, ig, query)
