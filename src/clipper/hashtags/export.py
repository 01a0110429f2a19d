"""CSV export of hashtag performance: one `hashtag` row per hashtag (sample size, medians, quartiles), then
one `post` row per post that carried it (its own numbers), in the insights export's tidy style.

Every text cell is made safe to open in a spreadsheet: one starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with `'` so it is read as text, never as a formula (OWASP "CSV Injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from clipper.hashtags.schemas import HashtagPerformance, PerformanceRead, Spread

METRICS = ("reach", "views", "interactions")
COLUMNS = (
    "scope",
    "hashtag",
    "posts",
    "measured",
    "low_sample",
    *(f"{metric}_{part}" for metric in METRICS for part in ("median", "q1", "q3", "min", "max")),
    "post_id",
    "account_id",
    "published_at",
    "permalink",
    "found_in",
    *METRICS,
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text a spreadsheet will not run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:.2f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _spread_cells(spread: Spread) -> list[object]:
    return [spread.median, spread.q1, spread.q3, spread.min, spread.max]


def _rows(hashtag: HashtagPerformance) -> Iterator[list[object]]:
    spreads = [cell for metric in METRICS for cell in _spread_cells(getattr(hashtag, metric))]
    yield ["hashtag", hashtag.hashtag, hashtag.posts, hashtag.measured, hashtag.low_sample, *spreads]
    blank = [None] * (3 + len(spreads))
    for post in hashtag.items:
        yield [
            "post",
            hashtag.hashtag,
            *blank,
            post.post_id,
            post.account_id,
            post.published_at.isoformat(),
            post.permalink,
            ";".join(post.found_in),
            post.reach,
            post.views,
            post.interactions,
        ]


def to_csv(report: PerformanceRead) -> str:
    """The report as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for hashtag in report.hashtags:
        for row in _rows(hashtag):
            writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
