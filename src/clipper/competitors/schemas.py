"""Competitor benchmarks: what the API takes and returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from clipper.instagram.discovery import USERNAME

# Instagram usernames: 1 to 30 letters, digits, periods and underscores (a leading @ is tolerated).
Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=31)]


class CompetitorCreate(BaseModel):
    """A public Instagram Business or Creator account to track, by username."""

    username: Username = Field(examples=["bluebottle"])

    @field_validator("username")
    @classmethod
    def _instagram_username(cls, value: str) -> str:
        name = value.removeprefix("@")
        if not USERNAME.fullmatch(name):
            raise ValueError(
                "an Instagram username has 1 to 30 letters, digits, periods (.) or underscores (_)"
            )
        return name.lower()


class Figures(BaseModel):
    """One account's figures on one day (None where Meta did not say)."""

    model_config = ConfigDict(from_attributes=True)

    day: date
    followers_count: int | None = None
    media_count: int | None = None
    avg_likes: float | None = None
    avg_comments: float | None = None
    posts_sampled: int = 0


class CompetitorRead(BaseModel):
    """A tracked competitor and its latest figures."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    username: str
    name: str | None = None
    profile_picture_url: str | None = None
    created_at: datetime
    checked_at: datetime | None = None
    last_error: str | None = None
    latest: Figures | None = None


class CompetitorList(BaseModel):
    items: list[CompetitorRead]
    limit: int = Field(description="How many competitors one account may track.")


class ComparisonRow(BaseModel):
    """One line of the side-by-side table: our account (`is_own`) or a competitor."""

    competitor_id: int | None = None
    username: str
    is_own: bool
    latest: Figures | None = None


class ComparisonRead(BaseModel):
    account_id: int
    rows: list[ComparisonRow]


class HistorySeries(BaseModel):
    """The daily figures of one account (ours first), oldest first."""

    competitor_id: int | None = None
    username: str
    is_own: bool
    points: list[Figures]


class HistoryRead(BaseModel):
    account_id: int
    since: date
    series: list[HistorySeries]
