"""Requests and answers of the hashtag API; `Hashtag` is a validated hashtag name (lower case, no '#')."""

from __future__ import annotations

import re
from datetime import datetime
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
