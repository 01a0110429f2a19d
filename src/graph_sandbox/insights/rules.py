"""The account-insights rules engine (GRAPH_API.md §7.1): parse and validate a request, or raise Meta's error.

`parse_account_query(params, version=..., now=...)` checks, in Meta's order: metric names (and
retirements), period, metric_type compatibility, breakdowns, timeframe, and the since/until range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter
from graph_sandbox.insights.catalogue import (
    ACCOUNT_METRICS,
    BREAKDOWN_VALUES,
    DEMOGRAPHIC_BREAKDOWNS,
    METRIC_TYPES,
    PERIODS,
    TIME_SERIES,
    TIMEFRAMES,
    TOTAL_VALUE,
    Metric,
)
from graph_sandbox.insights.retired import (
    ACCOUNT_RETIRED,
    ACCOUNT_TIME_SERIES_RETIRED,
    is_retired,
    retired_message,
)

MAX_RANGE_SECONDS = 30 * 86_400


@dataclass(frozen=True)
class AccountQuery:
    """A validated account-insights request."""

    metrics: tuple[Metric, ...]
    period: str
    metric_type: str
    breakdowns: tuple[str, ...]
    timeframe: str | None
    since: datetime
    until: datetime


def _one_of(name: str, values: tuple[str, ...] | list[str]) -> GraphError:
    return invalid_parameter(f"(#100) {name} must be one of the following values: {', '.join(values)}")


def split_list(value: str | None) -> list[str]:
    """A comma list parameter as stripped, non-empty items."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def valid_account_metrics(version: str, now: datetime) -> list[str]:
    """The metric names this version serves at this time."""
    return [
        name
        for name in ACCOUNT_METRICS
        if name not in ACCOUNT_RETIRED or not is_retired(ACCOUNT_RETIRED[name], version=version, now=now)
    ]


def _metrics(params: Mapping[str, str], version: str, now: datetime) -> tuple[Metric, ...]:
    names = split_list(params.get("metric"))
    if not names:
        raise missing_parameter("metric")
    valid = valid_account_metrics(version, now)
    for index, name in enumerate(names):
        retirement = ACCOUNT_RETIRED.get(name)
        if retirement and is_retired(retirement, version=version, now=now):
            raise invalid_parameter(
                retired_message(name, index, retirement=retirement, valid=valid, media=False)
            )
        if name not in valid:
            raise _one_of(f"metric[{index}]", valid)
    return tuple(ACCOUNT_METRICS[name] for name in dict.fromkeys(names))


def _incompatible(metrics: list[str], what: str, value: str) -> GraphError:
    noun = "metric" if len(metrics) == 1 else "metrics"
    verb = "is" if len(metrics) == 1 else "are"
    return invalid_parameter(
        f"(#100) The following {noun} ({','.join(metrics)}) {verb} incompatible with the {what} ({value})"
    )


def _serves(metric: Metric, metric_type: str, version: str, now: datetime) -> bool:
    retirement = ACCOUNT_TIME_SERIES_RETIRED.get(metric.name)
    if metric_type == TIME_SERIES and retirement and is_retired(retirement, version=version, now=now):
        return False
    return metric_type in metric.metric_types


def _check_metric_type(metrics: tuple[Metric, ...], metric_type: str, version: str, now: datetime) -> None:
    if metric_type not in METRIC_TYPES:
        raise _one_of("metric_type", list(METRIC_TYPES))
    wrong = [m.name for m in metrics if not _serves(m, metric_type, version, now)]
    if not wrong:
        return
    if metric_type == TIME_SERIES:
        raise invalid_parameter(
            f"(#100) The following metrics ({','.join(wrong)}) should be specified with parameter "
            "metric_type=total_value"
        )
    raise _incompatible(wrong, "metric type", metric_type)


def _breakdowns(params: Mapping[str, str], metrics: tuple[Metric, ...], metric_type: str) -> tuple[str, ...]:
    names = split_list(params.get("breakdown"))
    known = [*BREAKDOWN_VALUES, *DEMOGRAPHIC_BREAKDOWNS]
    for index, name in enumerate(names):
        if name not in known:
            raise _one_of(f"breakdown[{index}]", known)
    if metric_type != TOTAL_VALUE:
        return ()  # §7.1: with time_series, breakdowns are not returned
    for name in names:
        wrong = [m.name for m in metrics if name not in m.breakdowns]
        if wrong:
            raise _incompatible(wrong, "breakdown", name)
    return tuple(dict.fromkeys(names))


def parse_time(value: str, name: str) -> datetime:
    """A Unix timestamp, or an ISO date/datetime (the strtotime forms clients send)."""
    try:
        if value.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        moment = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise invalid_parameter(f"(#100) The parameter {name} is not a valid timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_range(
    params: Mapping[str, str], now: datetime, *, max_seconds: int = MAX_RANGE_SECONDS
) -> tuple[datetime, datetime]:
    """`since`/`until`, defaulting to the last 24 h; more than `max_seconds` apart is Meta's range error."""
    until = parse_time(params["until"], "until") if params.get("until") else now
    since = parse_time(params["since"], "since") if params.get("since") else until - timedelta(days=1)
    if (until - since).total_seconds() > max_seconds:
        days = max_seconds // 86_400
        raise invalid_parameter(
            f"(#100) There cannot be more than {days} days ({max_seconds} s) between since and until"
        )
    if since > until:
        raise invalid_parameter("(#100) The since parameter must be earlier than the until parameter")
    return since, until


def _timeframe(params: Mapping[str, str], metrics: tuple[Metric, ...]) -> str | None:
    if not any(m.demographic for m in metrics):
        return None
    timeframe = params.get("timeframe")
    if not timeframe:
        raise missing_parameter("timeframe")
    if timeframe not in TIMEFRAMES:
        raise _one_of("timeframe", list(TIMEFRAMES))
    return timeframe


def parse_account_query(params: Mapping[str, str], *, version: str, now: datetime) -> AccountQuery:
    """Validate an account-insights request the way Meta does; raise GraphError(100) on the first problem."""
    metrics = _metrics(params, version, now)
    period = params.get("period")
    if not period:
        raise missing_parameter("period")
    if period not in PERIODS:
        raise _one_of("period", list(PERIODS))
    metric_type = params.get("metric_type") or TIME_SERIES
    _check_metric_type(metrics, metric_type, version, now)
    wrong_period = [m.name for m in metrics if period not in m.periods]
    if wrong_period:
        raise _incompatible(wrong_period, "period", period)
    breakdowns = _breakdowns(params, metrics, metric_type)
    timeframe = _timeframe(params, metrics)
    since, until = parse_range(params, now)
    return AccountQuery(metrics, period, metric_type, breakdowns, timeframe, since, until)
