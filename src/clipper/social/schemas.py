"""Request and response shapes of posts: PostCreate, PostUpdate, PostRead, Page[PostRead], ComposerLimits."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clipper.inputs import DbId
from clipper.social.models import MediaType, PostStatus

T = TypeVar("T")


class UserTag(BaseModel):
    """An account tagged in the media; x/y (0..1) are required on images, unused on video."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=30)
    x: float | None = None
    y: float | None = None


class PostOptions(BaseModel):
    """Per-media-type publishing options (which one fits which type is checked with the other rules)."""

    model_config = ConfigDict(extra="forbid")

    share_to_feed: bool | None = None
    cover_clip_id: DbId | None = None
    thumb_offset_ms: int | None = Field(default=None, ge=0)
    location_id: str | None = None
    user_tags: list[UserTag] | None = None
    collaborators: list[str] | None = None
    alt_text: str | None = None
    first_comment: str | None = Field(default=None, min_length=1, max_length=2200)
    trial_graduation: Literal["MANUAL", "SS_PERFORMANCE"] | None = None

    def given(self) -> dict[str, Any]:
        """The options that were set, as JSON."""
        return self.model_dump(mode="json", exclude_none=True)


class PostFields(BaseModel):
    """What PostCreate and PostUpdate share."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=500)
    caption: str | None = None
    hashtags: list[str] | None = None
    # Naive times are accepted here so validation can report them with every other reason.
    scheduled_for: datetime | None = None
    options: PostOptions | None = None
    media_type: MediaType | None = None
    clip_id: DbId | None = None
    clip_ids: list[DbId] | None = None
    add_to_queue: bool | None = Field(
        default=None,
        description=(
            "True: give the post the next free slot of its account's posting queue (not with "
            "`scheduled_for` or `publish_now`; 409 when the account has no free slot). False on a "
            "change: take it out of the queue (it keeps its time). A new `scheduled_for` also takes it out."
        ),
    )

    @field_validator("hashtags")
    @classmethod
    def _strip_hash(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        return [tag.strip().lstrip("#") for tag in value if tag.strip().lstrip("#")]


class PostCreate(PostFields):
    """A new post: one per account in `account_ids` (or the one `account_id`)."""

    account_id: DbId | None = None
    account_ids: list[DbId] | None = None
    platform: Literal["instagram"] = "instagram"
    media_type: MediaType = MediaType.IMAGE
    publish_now: bool = Field(
        default=False,
        description=(
            "Queue the new posts for publishing at once, as `POST /social/{post_id}/publish` does, in the "
            "same request: nothing is created when the post is invalid. Not with `scheduled_for`."
        ),
    )

    def accounts(self) -> list[int]:
        """The target account ids, in order, without duplicates."""
        ids = ([self.account_id] if self.account_id is not None else []) + (self.account_ids or [])
        return list(dict.fromkeys(ids))


class PostUpdate(PostFields):
    """A change to a draft, scheduled or failed post; absent fields stay as they are."""

    # An explicit null unschedules (back to draft), so "absent" and "null" differ: see model_fields_set.

    @field_validator("media_type")
    @classmethod
    def _media_type_given(cls, value: MediaType | None) -> MediaType:
        if value is None:
            raise ValueError("media_type cannot be null: leave it out to keep the post's type")
        return value


class ComposerLimits(BaseModel):
    """What the server accepts in a post (the limits its validation applies), for a form's counters."""

    caption_characters: int = Field(description="Characters of the caption with its hashtags.")
    hashtags: int = Field(description="Hashtags in the caption, the `hashtags` list included.")
    mentions: int = Field(description="@mentions in the caption.")
    collaborators: int = Field(description="Accounts invited as collaborators.")
    alt_text_characters: int = Field(description="Characters of an image's alt text.")
    carousel_min: int = Field(description="Fewest clips in a carousel.")
    carousel_max: int = Field(description="Most clips in a carousel.")
    schedule_grace_seconds: int = Field(
        description="How long ago `scheduled_for` may lie and still be taken as now (not refused as past)."
    )


class TimelineEntry(BaseModel):
    at: datetime
    event: str
    detail: str | None = None
    # A wait repeated in a row (a quota, a look-alike, an unconfirmed publish) is one entry: how many
    # times it happened, and the last time (`at` is the first).
    count: int = 1
    last_at: datetime | None = None


class PostRead(BaseModel):
    """A post as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int | None
    platform: str
    media_type: MediaType
    status: PostStatus
    clip_id: int | None
    clip_ids: list[int]
    title: str | None
    caption: str | None
    hashtags: list[str]
    options: dict[str, Any]
    scheduled_for: datetime | None
    published_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    queued: bool = Field(description="Placed by the account's posting queue.")
    next_step: str | None = Field(
        default=None, description="What happens to the post at `next_attempt_at`, in a sentence."
    )
    container_id: str | None
    container_ids: list[str]
    platform_post_id: str | None
    platform_url: str | None
    first_comment_id: str | None
    error_message: str | None
    last_error_code: str | None
    timeline: list[TimelineEntry]
    created_at: datetime
    updated_at: datetime

    @field_validator("hashtags", mode="before")
    @classmethod
    def _decode_hashtags(cls, value: Any) -> Any:
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else value


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` as `cursor` for the next one (null at the end)."""

    items: list[T]
    next_cursor: str | None = None


class RowProblem(BaseModel):
    """What is wrong with one row of a bulk upload (rows count from 1)."""

    row: int
    reasons: list[str]


class BulkResult(BaseModel):
    """The posts a bulk upload created (all rows were valid)."""

    created: int
    items: list[PostRead]
