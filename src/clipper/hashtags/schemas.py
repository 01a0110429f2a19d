"""Requests and answers of the hashtag API; `Hashtag` is a validated hashtag name (lower case, no '#')."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from clipper.inputs import DbId

MAX_HASHTAG_LENGTH = 100
MAX_GROUPS = 50
MAX_GROUP_HASHTAGS = 30  # Instagram's per-caption limit: a group must fit in one post
# Letters, digits and underscores, as Instagram links a hashtag; digits alone do not make one.
_HASHTAG = re.compile(rf"^\w{{1,{MAX_HASHTAG_LENGTH}}}$")

ItemT = TypeVar("ItemT")


def normalize_hashtag(value: str) -> str:
    """`#Travel` → `travel`; ValueError when it is not a hashtag Instagram would link."""
    name = value.strip().removeprefix("#").lower()
    if not _HASHTAG.match(name) or name.isdigit():
        raise ValueError(
            f"'{value[:50]}' is not a hashtag: use letters, digits or underscores (not only digits), "
            f"at most {MAX_HASHTAG_LENGTH}, without spaces, punctuation or emoji"
        )
    return name


Hashtag = Annotated[
    str, StringConstraints(max_length=MAX_HASHTAG_LENGTH + 20), AfterValidator(normalize_hashtag)
]


class MediaEdge(StrEnum):
    TOP = "top"
    RECENT = "recent"


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: DbId
    hashtag: Hashtag


class SearchedHashtag(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    hashtag: str
    counted_at: datetime
    frees_at: datetime = Field(description="When this hashtag stops counting against the 30.")


class QuotaRead(BaseModel):
    """Where the account stands against Meta's 30 unique hashtags per rolling 7 days."""

    account_id: int
    limit: int
    used: int
    remaining: int
    next_frees_at: datetime | None = Field(description="When the oldest counted hashtag frees a search.")
    searched: list[SearchedHashtag]
    elsewhere: list[str] = Field(
        description="Hashtags Instagram lists as searched this week that Clipper did not search (another "
        "app, say): they count in `used`; Meta does not say when they free up.",
    )
    instagram_checked: bool = Field(description="True when Instagram's list of the week's hashtags was read.")
    instagram_note: str | None = Field(description="Why Instagram's list could not be read.")


class SearchRead(BaseModel):
    hashtag: str
    hashtag_id: str
    counted: bool = Field(description="True when this search took one of the 30 (a new hashtag this week).")
    quota: QuotaRead


class HashtagMediaRead(BaseModel):
    """A public post carrying the hashtag; counts are null when its owner hides them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    caption: str | None = None
    media_type: str | None = None
    media_url: str | None = None
    permalink: str | None = None
    timestamp: datetime | None = None
    like_count: int | None = None
    comments_count: int | None = None


class HashtagMediaPage(Page[HashtagMediaRead]):
    hashtag: str
    edge: MediaEdge


GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class GroupFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: GroupName
    hashtags: list[Hashtag] = Field(min_length=1, max_length=MAX_GROUP_HASHTAGS)

    @field_validator("hashtags")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class GroupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    hashtags: list[str]
    created_at: datetime
    updated_at: datetime


MAX_PERFORMANCE_HASHTAGS = 200


class PerformanceScope(BaseModel):
    """Which posts a performance report reads: the user's, optionally one account's, published within
    the inclusive UTC days."""

    account_id: int | None = None
    since: date | None = None
    until: date | None = None


class PerformanceSort(StrEnum):
    POSTS = "posts"
    REACH = "reach"
    VIEWS = "views"
    INTERACTIONS = "interactions"
    HASHTAG = "hashtag"


class Spread(BaseModel):
    """One metric over the posts that have it stored: `n` of them, the median, the interquartile range
    (`q1`–`q3`, inclusive quartiles) as the spread, and the extremes. All null when no post has it."""

    n: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    min: float | None = None
    max: float | None = None


class HashtagPost(BaseModel):
    """One of our published posts carrying the hashtag with its stored lifetime numbers (null: not stored)."""

    post_id: int
    account_id: int
    published_at: datetime
    permalink: str | None
    found_in: list[str] = Field(description="Where the hashtag was: `caption`, `first_comment` or both.")
    reach: int | None
    views: int | None
    interactions: int | None


class HashtagPerformance(BaseModel):
    hashtag: str
    posts: int = Field(description="Published posts that carried the hashtag (the sample size).")
    measured: int = Field(description="Of those, the posts with stored insights: what the numbers are over.")
    low_sample: bool = Field(description="True when fewer posts than `low_sample_below` have numbers.")
    reach: Spread
    views: Spread
    interactions: Spread
    items: list[HashtagPost] = Field(description="The posts, newest first (at most `max_posts_listed`).")


class PerformanceRead(BaseModel):
    """How the hashtags of the user's own published posts did, over the posts scanned."""

    account_id: int | None
    since: date | None
    until: date | None
    sort: PerformanceSort
    scanned_posts: int
    truncated: bool = Field(description="More posts matched than are scanned: only the newest were read.")
    low_sample_below: int
    max_posts_listed: int
    total_hashtags: int
    hashtags: list[HashtagPerformance]
