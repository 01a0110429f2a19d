"""The account-insights rules engine and the number generator, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph_sandbox.errors import GraphError
from graph_sandbox.insights.generator import split
from graph_sandbox.insights.rules import parse_account_query
from graph_sandbox.insights.series import day_of, days_between, end_time

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def parse(version: str = "v24.0", now: datetime = NOW, **params: str):
    return parse_account_query(params, version=version, now=now)


def error_of(**params: str) -> GraphError:
    with pytest.raises(GraphError) as caught:
        parse(**params)
    return caught.value


class TestParseAccountQuery:
    def test_defaults_to_the_last_24_hours_as_a_time_series(self):
        query = parse(metric="reach", period="day")
        assert query.metric_type == "time_series"
        assert query.until == NOW
        assert query.since == NOW - timedelta(days=1)

    def test_requires_metric(self):
        assert error_of(period="day").message == "(#100) The parameter metric is required"

    def test_requires_period(self):
        assert error_of(metric="reach").message == "(#100) The parameter period is required"

    def test_total_value_metrics_need_metric_type_total_value(self):
        error = error_of(metric="reach,views,likes", period="day")
        assert error.code == 100
        assert error.message == (
            "(#100) The following metrics (views,likes) should be specified with parameter "
            "metric_type=total_value"
        )

    def test_follower_count_is_incompatible_with_total_value(self):
        error = error_of(metric="follower_count", period="day", metric_type="total_value")
        assert error.message == (
            "(#100) The following metric (follower_count) is incompatible with the metric type (total_value)"
        )

    def test_more_than_30_days_between_since_and_until_is_refused(self):
        since = int((NOW - timedelta(days=31)).timestamp())
        error = error_of(metric="reach", period="day", since=str(since), until=str(int(NOW.timestamp())))
        assert error.http_status == 400
        assert error.message == "(#100) There cannot be more than 30 days (2592000 s) between since and until"

    def test_exactly_30_days_is_accepted(self):
        since = int((NOW - timedelta(days=30)).timestamp())
        query = parse(metric="reach", period="day", since=str(since), until=str(int(NOW.timestamp())))
        assert (query.until - query.since).days == 30

    def test_impressions_is_retired_on_v22_with_metas_sentence(self):
        error = error_of(metric="impressions", period="day")
        assert error.message.startswith(
            "(#100) Starting from version 22 and above, the impressions metric is no longer supported"
        )

    def test_impressions_is_accepted_on_v21_before_the_cut_over_date(self):
        before = datetime(2025, 3, 1, tzinfo=UTC)
        query = parse(version="v21.0", now=before, metric="impressions", period="day")
        assert [m.name for m in query.metrics] == ["impressions"]

    def test_impressions_is_refused_on_v21_after_the_cut_over_date(self):
        with pytest.raises(GraphError) as caught:
            parse(version="v21.0", metric="impressions", period="day")
        assert "impressions metric is no longer supported" in caught.value.message

    def test_v21_retired_metric_lists_the_valid_metrics(self):
        error = error_of(metric="reach,website_clicks", period="day")
        assert error.message.startswith("(#100) metric[1] must be one of the following values: reach, views,")
        assert "website_clicks" not in error.message

    def test_unknown_metric_lists_the_valid_metrics(self):
        assert error_of(metric="bogus", period="day").message.startswith("(#100) metric[0] must be one of")

    def test_demographics_need_a_timeframe(self):
        error = error_of(metric="follower_demographics", period="lifetime", metric_type="total_value")
        assert error.message == "(#100) The parameter timeframe is required"

    def test_demographics_reject_an_unknown_timeframe(self):
        error = error_of(
            metric="follower_demographics",
            period="lifetime",
            metric_type="total_value",
            timeframe="last_7_days",
        )
        assert error.message.startswith("(#100) timeframe must be one of the following values: last_14_days")

    @pytest.mark.parametrize(
        "timeframe", ["last_14_days", "last_30_days", "last_90_days", "prev_month", "this_month", "this_week"]
    )
    def test_demographics_take_the_six_timeframes_meta_s_sdk_lists(self, timeframe):
        query = parse(
            metric="follower_demographics",
            period="lifetime",
            metric_type="total_value",
            breakdown="country",
            timeframe=timeframe,
        )
        assert query.timeframe == timeframe

    def test_a_breakdown_the_metric_does_not_take_is_refused(self):
        error = error_of(metric="likes", period="day", metric_type="total_value", breakdown="follow_type")
        assert (
            error.message
            == "(#100) The following metric (likes) is incompatible with the breakdown (follow_type)"
        )

    def test_breakdowns_are_dropped_for_time_series(self):
        assert parse(metric="reach", period="day", breakdown="follow_type").breakdowns == ()

    def test_period_must_suit_the_metric(self):
        error = error_of(metric="reach", period="lifetime")
        assert (
            error.message == "(#100) The following metric (reach) is incompatible with the period (lifetime)"
        )

    def test_unknown_period_lists_the_periods(self):
        assert error_of(metric="reach", period="year").message == (
            "(#100) period must be one of the following values: "
            "day, week, days_28, month, lifetime, total_over_range"
        )


class TestDayBuckets:
    def test_days_end_at_eight_utc(self):
        assert end_time(day_of(NOW)) == "2026-03-11T08:00:00+0000"

    def test_since_and_until_are_inclusive(self):
        since = datetime(2026, 3, 1, 9, tzinfo=UTC)
        until = datetime(2026, 3, 3, 9, tzinfo=UTC)
        assert len(days_between(since, until)) == 3

    def test_an_until_at_a_day_start_ends_the_window_before_that_day(self):
        """A day's value is stamped with the next day's start; a day whose end_time is after `until` is
        left out (Airbyte's Instagram source, https://github.com/airbytehq/airbyte/pull/74006)."""
        day_start = datetime(2026, 3, 1, 8, tzinfo=UTC)
        one_day = days_between(day_start, day_start + timedelta(days=1))
        assert [d.isoformat() for d in one_day] == ["2026-03-01"]
        thirty = days_between(day_start, day_start + timedelta(days=30))
        assert (thirty[0].isoformat(), thirty[-1].isoformat(), len(thirty)) == (
            "2026-03-01",
            "2026-03-30",
            30,
        )

    def test_since_equal_to_until_at_a_day_start_covers_no_day(self):
        day_start = datetime(2026, 3, 1, 8, tzinfo=UTC)
        assert days_between(day_start, day_start) == []


class TestSplit:
    def test_parts_add_up_to_the_total(self):
        parts = split(1234, ["a", "b", "c", "d"], 7, "node")
        assert sum(parts.values()) == 1234

    def test_is_stable_for_the_same_inputs(self):
        assert split(99, ["x", "y"], 3, "n") == split(99, ["x", "y"], 3, "n")
