"""Account, media, story and Page insights (GRAPH_API.md §7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from clipper.instagram.batch import BatchRequest
from clipper.instagram.core import GraphCore
from clipper.instagram.errors import RequestValidationError
from clipper.instagram.metrics import ACCOUNT_RETIRED, MEDIA_RETIRED, group_by_metric_type, modernize
from clipper.instagram.schemas import InsightMetric

Timestamp = int | datetime
STORY_METRICS = ("views", "reach", "replies", "shares", "total_interactions", "navigation", "follows")


def _unix(value: Timestamp | None) -> int | None:
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def _metrics(body: Any) -> list[InsightMetric]:
    return [InsightMetric.model_validate(item) for item in body.get("data", [])]


def parse_insights(body: Any) -> list[InsightMetric]:
    """The metrics of an insights answer (a batch sub-response's body, say); none for anything else."""
    return _metrics(body) if isinstance(body, dict) else []


def _in_order(items: list[InsightMetric], names: Sequence[str]) -> list[InsightMetric]:
    rank = {name: index for index, name in enumerate(names)}
    return sorted(items, key=lambda item: rank.get(item.name, len(rank)))


def _require(metrics: Sequence[str]) -> None:
    if isinstance(metrics, str) or not metrics:
        raise RequestValidationError(
            "Give at least one insights metric, as a list of names.", option="metric"
        )


class InsightsMixin(GraphCore):
    """Read insights, translating retired metric names and choosing metric_type."""

    async def get_account_insights(
        self,
        ig_account_id: str,
        metrics: Sequence[str],
        period: str = "day",
        *,
        metric_type: str | None = None,
        breakdown: str | None = None,
        timeframe: str | None = None,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
    ) -> list[InsightMetric]:
        """Account metrics; metrics that need metric_type=total_value are asked for in their own call."""
        _require(metrics)
        names = modernize(metrics, ACCOUNT_RETIRED, self.api_version, self._log)
        groups = [(metric_type, names)] if metric_type else group_by_metric_type(names, breakdown)
        results: list[InsightMetric] = []
        for kind, group in groups:
            params = {
                "metric": ",".join(group),
                "period": period,
                "metric_type": kind,
                "breakdown": breakdown if kind == "total_value" else None,
                "timeframe": timeframe,
                "since": _unix(since),
                "until": _unix(until),
            }
            results.extend(_metrics(await self._get(f"{ig_account_id}/insights", params)))
        return _in_order(results, names)

    def account_insights_request(
        self,
        ig_account_id: str,
        metrics: Sequence[str],
        period: str = "day",
        *,
        metric_type: str,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
    ) -> BatchRequest:
        """`get_account_insights` for one metric_type as a batch sub-request (answer: `parse_insights`)."""
        _require(metrics)
        names = modernize(metrics, ACCOUNT_RETIRED, self.api_version, self._log)
        params = {"metric": ",".join(names), "period": period, "metric_type": metric_type}
        params |= {k: str(v) for k, v in (("since", _unix(since)), ("until", _unix(until))) if v is not None}
        return BatchRequest(f"{ig_account_id}/insights?{urlencode(params)}")

    def media_insights_request(self, media_id: str, metrics: Sequence[str]) -> BatchRequest:
        """`get_media_insights` as a batch sub-request (answer: `parse_insights`)."""
        _require(metrics)
        names = modernize(metrics, MEDIA_RETIRED, self.api_version, self._log)
        return BatchRequest(f"{media_id}/insights?{urlencode({'metric': ','.join(names)})}")

    async def get_media_insights(
        self, media_id: str, metrics: Sequence[str], *, breakdown: str | None = None
    ) -> list[InsightMetric]:
        """Lifetime metrics of a post, reel or story."""
        _require(metrics)
        names = modernize(metrics, MEDIA_RETIRED, self.api_version, self._log)
        body = await self._get(f"{media_id}/insights", {"metric": ",".join(names), "breakdown": breakdown})
        return _in_order(_metrics(body), names)

    async def get_story_insights(
        self, media_id: str, metrics: Sequence[str] = STORY_METRICS
    ) -> list[InsightMetric]:
        """Story metrics (readable for 24 h; fewer than 5 viewers gives PermissionDeniedError code 10)."""
        return await self.get_media_insights(media_id, metrics)

    async def get_page_insights(
        self,
        page_id: str,
        metrics: Sequence[str],
        period: str = "day",
        *,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
    ) -> list[InsightMetric]:
        """Facebook Page metrics (call on a client holding the Page token)."""
        _require(metrics)
        params = {"metric": ",".join(metrics), "period": period, "since": _unix(since), "until": _unix(until)}
        return _metrics(await self._get(f"{page_id}/insights", params))
