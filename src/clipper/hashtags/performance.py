"""How the hashtags of the user's own published posts did, from what we already store: no Graph call.

A post's hashtags are those Instagram links in what was published: the caption with its hashtags line
(`validation.full_caption`) and the first comment, when it was posted (`first_comment_id` set). A post
carrying a hashtag in both counts once. Hashtags are compared as Instagram does, lower case and
unicode-aware (`#Travel` and `#travel` are one); digits alone are not a hashtag.

The numbers are the lifetime `reach`, `views` and `total_interactions` the insights package stores per
media (`MediaInsightSnapshot`, written whenever a post's insights are read); a post without stored numbers
counts in `posts` but not in `measured`. Days are UTC days of `published_at`.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.errors import InvalidInput
from clipper.hashtags.schemas import (
    MAX_PERFORMANCE_HASHTAGS,
    HashtagPerformance,
    HashtagPost,
    PerformanceRead,
    PerformanceSort,
    Spread,
    normalize_hashtag,
)
from clipper.hashtags.schemas import PerformanceScope as Scope
from clipper.insights.models import MediaInsightSnapshot
from clipper.social.models import MediaType, PostStatus, SocialPost
from clipper.social.validation import full_caption, hashtags_in
from clipper.users.models import User

MAX_POSTS = 1000  # newest published posts scanned per request
MAX_HASHTAGS = MAX_PERFORMANCE_HASHTAGS
MAX_POSTS_LISTED = 50  # per hashtag; `posts` still counts them all
LOW_SAMPLE_BELOW = 5
MAX_RANGE_DAYS = 3 * 366
METRICS = ("reach", "views", "interactions")
# The parts of `total_interactions`, summed when Meta gave the parts but not the total.
_INTERACTION_PARTS = ("likes", "comments", "saved", "shares")


@dataclass
class _Tally:
    hashtag: str
    posts: list[HashtagPost] = field(default_factory=list)


def check_scope(account_id: int | None, since: date | None, until: date | None) -> Scope:
    """The scope asked for; InvalidInput for a reversed or too long range."""
    if since and until and since > until:
        raise InvalidInput("`since` must not be after `until`.")
    if since and until and (until - since).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    return Scope(account_id=account_id, since=since, until=until)


def hashtags_of(text: str | None) -> set[str]:
    """The distinct hashtags Instagram would link in the text, normalised."""
    found = set()
    for raw in hashtags_in(text):
        try:
            found.add(normalize_hashtag(raw))
        except ValueError:
            continue  # digits only, or longer than Instagram links
    return found


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def numbers_of(metrics: dict[str, Any] | None) -> dict[str, float | None]:
    """Reach, views and interactions of one media's stored metrics (None where not stored)."""
    metrics = metrics or {}
    interactions = _number(metrics.get("total_interactions"))
    if interactions is None:
        parts = [n for n in (_number(metrics.get(name)) for name in _INTERACTION_PARTS) if n is not None]
        interactions = sum(parts) if parts else None
    return {
        "reach": _number(metrics.get("reach")),
        "views": _number(metrics.get("views")),
        "interactions": interactions,
    }


def spread(values: Sequence[float]) -> Spread:
    """Median, inclusive quartiles and extremes of the values."""
    if not values:
        return Spread(n=0)
    ordered = sorted(values)
    median = statistics.median(ordered)
    q1, q3 = (
        (median, median) if len(ordered) == 1 else statistics.quantiles(ordered, n=4, method="inclusive")[::2]
    )
    return Spread(n=len(ordered), median=median, q1=q1, q3=q3, min=ordered[0], max=ordered[-1])


def _first_comment(post: SocialPost) -> str | None:
    if post.first_comment_id is None:
        return None  # never posted: its hashtags were not on Instagram
    value = (post.options or {}).get("first_comment")
    return value if isinstance(value, str) else None


def _caption(post: SocialPost) -> str | None:
    try:
        tags = json.loads(post.hashtags) if post.hashtags else []
    except ValueError:
        tags = []
    return full_caption(
        post.caption, [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


async def _published(
    session: AsyncSession, user: User, scope: Scope
) -> list[tuple[SocialPost, dict[str, Any] | None]]:
    """The newest published posts in scope (MAX_POSTS + 1, to tell a cut) with their stored metrics."""
    query = (
        select(SocialPost, MediaInsightSnapshot.metrics)
        .outerjoin(
            MediaInsightSnapshot,
            and_(
                MediaInsightSnapshot.account_id == SocialPost.account_id,
                MediaInsightSnapshot.media_id == SocialPost.platform_post_id,
            ),
        )
        .where(
            SocialPost.user_id == user.id,
            SocialPost.status == PostStatus.PUBLISHED,
            SocialPost.published_at.is_not(None),
            SocialPost.account_id.is_not(None),
            SocialPost.removed_at.is_(None),
            SocialPost.media_type != MediaType.STORIES,  # a story has no caption
        )
        .order_by(SocialPost.published_at.desc(), SocialPost.id.desc())
        .limit(MAX_POSTS + 1)
    )
    if scope.account_id is not None:
        query = query.where(SocialPost.account_id == scope.account_id)
    if scope.since is not None:
        query = query.where(SocialPost.published_at >= _day_start(scope.since))
    if scope.until is not None:
        query = query.where(SocialPost.published_at < _day_start(scope.until + timedelta(days=1)))
    return [(row[0], row[1]) for row in await session.execute(query)]


def _tally(rows: Sequence[tuple[SocialPost, dict[str, Any] | None]]) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    for post, metrics in rows:
        caption, comment = hashtags_of(_caption(post)), hashtags_of(_first_comment(post))
        numbers = numbers_of(metrics)
        assert post.published_at is not None
        assert post.account_id is not None
        for tag in caption | comment:
            where = [name for name, tags in (("caption", caption), ("first_comment", comment)) if tag in tags]
            tallies.setdefault(tag, _Tally(tag)).posts.append(
                HashtagPost(
                    post_id=post.id,
                    account_id=post.account_id,
                    published_at=post.published_at,
                    permalink=post.platform_url,
                    found_in=where,
                    **{name: None if value is None else int(value) for name, value in numbers.items()},
                )
            )
    return tallies


def summarise(tally: _Tally) -> HashtagPerformance:
    """The hashtag's sample size, medians and spreads, and its newest posts."""
    spreads = {
        name: spread([v for p in tally.posts if (v := getattr(p, name)) is not None]) for name in METRICS
    }
    measured = sum(1 for p in tally.posts if any(getattr(p, name) is not None for name in METRICS))
    return HashtagPerformance(
        hashtag=tally.hashtag,
        posts=len(tally.posts),
        measured=measured,
        low_sample=measured < LOW_SAMPLE_BELOW,
        items=tally.posts[:MAX_POSTS_LISTED],
        **spreads,
    )


def _sort_key(sort: PerformanceSort) -> Any:
    if sort is PerformanceSort.HASHTAG:
        return lambda h: (h.hashtag,)
    if sort is PerformanceSort.POSTS:
        return lambda h: (-h.posts, h.hashtag)
    # By the median, highest first; hashtags without numbers last.
    return lambda h: (getattr(h, sort.value).median is None, -(getattr(h, sort.value).median or 0), h.hashtag)


async def performance(
    session: AsyncSession, *, user: User, scope: Scope, sort: PerformanceSort, limit: int = MAX_HASHTAGS
) -> PerformanceRead:
    """Per hashtag of the user's published posts in scope: the posts, and their numbers' median and spread."""
    if scope.account_id is not None:
        await accounts.get_account(session, user=user, account_id=scope.account_id)  # NotFound if not theirs
    rows = await _published(session, user, scope)
    tallies = _tally(rows[:MAX_POSTS])
    ranked = sorted((summarise(t) for t in tallies.values()), key=_sort_key(sort))
    return PerformanceRead(
        account_id=scope.account_id,
        since=scope.since,
        until=scope.until,
        sort=sort,
        scanned_posts=min(len(rows), MAX_POSTS),
        truncated=len(rows) > MAX_POSTS,
        low_sample_below=LOW_SAMPLE_BELOW,
        max_posts_listed=MAX_POSTS_LISTED,
        total_hashtags=len(ranked),
        hashtags=ranked[: min(limit, MAX_HASHTAGS)],
    )
