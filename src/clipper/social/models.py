"""The `social_posts` and `social_post_media` tables: what to publish, where, when, and how it went."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clipper.db import Base, JSONType, TimestampMixin, str_enum

if TYPE_CHECKING:
    from clipper.accounts.models import Account
    from clipper.clips.models import Clip
    from clipper.users.models import User


class PostStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    # `media_publish` was sent but its outcome is unknown; reconciliation decides.
    UNCONFIRMED = "unconfirmed"


class MediaType(StrEnum):
    """What a post publishes as. VIDEO exists only as a carousel child, so it is not listed here."""

    IMAGE = "IMAGE"
    REELS = "REELS"
    CAROUSEL = "CAROUSEL"
    STORIES = "STORIES"


# What a scheduled or publishing post waits for, by the last event on its timeline (`next_step`).
_WAITING = {
    "quota_wait": "Waiting for a free slot in the account's 24-hour publishing quota.",
    "retry_scheduled": "Trying again after a temporary problem.",
    "publish_held": (
        "Waiting until Instagram confirms another post of this account that looks the same "
        "(same type and caption), so that each gets its own media."
    ),
    "media_fetch_failed": "Sending the media to Instagram again: it could not download it last time.",
}


# Must read as the look-alike check's own condition for the index to be used (`recovery`).
_IN_FLIGHT = text("publish_sent_at IS NOT NULL AND platform_post_id IS NULL")


def next_step(
    status: PostStatus,
    last_error_code: str | None,
    queued: bool,
    next_attempt_at: datetime | None,
    timeline: list[dict[str, Any]] | None,
) -> str | None:
    """What the product does about a post at `next_attempt_at`, in a sentence (None: nothing).

    From its columns, for a list read without loading posts as objects (`reading.list_posts`).
    """
    if status is PostStatus.UNCONFIRMED:
        if last_error_code == "recovery_pending":
            return "Looking for the post among the account's media: Instagram reports it as published."
        return "Asking Instagram whether the publish call went through (it is never published twice)."
    if queued and status is PostStatus.SCHEDULED and next_attempt_at is None:
        return "Held: the account's posting queue is paused."
    if status not in (PostStatus.SCHEDULED, PostStatus.PUBLISHING) or next_attempt_at is None:
        return None
    last = (timeline or [{}])[-1].get("event")
    if last in _WAITING:
        return _WAITING[last]
    if status is PostStatus.PUBLISHING:
        return "Waiting for Instagram to process the media."
    return "Publishing at this time."


class SocialPost(TimestampMixin, Base):
    """A post: the seed's columns plus the publishing state machine's bookkeeping."""

    __tablename__ = "social_posts"
    __table_args__ = (
        Index("ix_social_posts_status_scheduled_for", "status", "scheduled_for"),
        Index("ix_social_posts_status_next_attempt_at", "status", "next_attempt_at"),
        # The few posts whose publish may have landed without a known media id, by account.
        Index(
            "ix_social_posts_in_flight", "account_id", sqlite_where=_IN_FLIGHT, postgresql_where=_IN_FLIGHT
        ),
        # The calendar's window of a user's listed posts, read from the index alone (see reading.list_posts).
        Index(
            "ix_social_posts_user_id_scheduled_for",
            "user_id",
            "scheduled_for",
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Filled with the owner's personal workspace (clipper.workspaces.ownership) until ownership moves.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="SET NULL"), index=True)
    platform: Mapped[str] = mapped_column(String(50), default="instagram", server_default="instagram")
    title: Mapped[str | None] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    # The seed keeps hashtags as JSON array text, not a JSON column.
    hashtags: Mapped[str | None] = mapped_column(Text)
    scheduled_for: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    status: Mapped[PostStatus] = mapped_column(
        str_enum(PostStatus, "post_status", length=20), default=PostStatus.DRAFT, server_default="draft"
    )
    platform_post_id: Mapped[str | None] = mapped_column(String(255))
    platform_url: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    media_type: Mapped[MediaType] = mapped_column(
        str_enum(MediaType, "post_media_type", length=16), default=MediaType.IMAGE, server_default="IMAGE"
    )
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")
    container_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    # Meta's error code (with subcode as "code/subcode") or a transport failure name.
    last_error_code: Mapped[str | None] = mapped_column(String(32))
    # Set (and committed) just before `media_publish` is sent: a resumed worker then knows the call may
    # have gone through and reconciles from the container status instead of trusting its own memory.
    publish_sent_at: Mapped[datetime | None]
    first_comment_id: Mapped[str | None] = mapped_column(String(64))
    # A published post removed from our list: Instagram has no delete, so the row stays as a record.
    removed_at: Mapped[datetime | None]
    # Progress the engine decides from (the timeline below is only the audit log).
    # The user's last Publish or Retry: the latency metric's start, and a new round of download tries.
    publish_requested_at: Mapped[datetime | None]
    publish_started_at: Mapped[datetime | None]
    # The newest container's creation: the processing timeout and the recovery window run from it.
    container_created_at: Mapped[datetime | None]
    # Resumable containers still waiting for our bytes (`containers.upload`).
    uploads_pending: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default="[]")
    # Downloads Meta failed since the last Publish or failure (`fetching`).
    fetch_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    permalink_unavailable: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The first comment's intent, committed before it is posted (looked for before posting again).
    first_comment_sent_at: Mapped[datetime | None]
    first_comment_failed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Placed by the account's posting queue (`clipper.queue`): reordering and pausing move it.
    queued: Mapped[bool] = mapped_column(default=False, server_default=false())
    # [{"at": ISO time, "event": "quota_wait", "detail": "...", "count": 3, "last_at": ISO time}], oldest
    # first; a wait repeated in a row is counted on its entry (`count`, `last_at`) instead of appended.
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")

    user: Mapped[User] = relationship(lazy="raise")
    account: Mapped[Account | None] = relationship(lazy="raise")
    clip: Mapped[Clip | None] = relationship(lazy="raise")
    media: Mapped[list[SocialPostMedia]] = relationship(
        back_populates="post",
        lazy="raise",
        order_by="SocialPostMedia.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def clip_ids(self) -> list[int]:
        """The carousel's clips in order (needs `media` loaded); the single clip otherwise."""
        if self.media_type is MediaType.CAROUSEL:
            return [item.clip_id for item in self.media]
        return [self.clip_id] if self.clip_id is not None else []

    @property
    def may_be_published(self) -> bool:
        """media_publish was sent and its media id is not known: the post may be on Instagram.

        The double-publish guard: such a post is reconciled from its container (engine), never failed,
        edited or started over (service).
        """
        return self.publish_sent_at is not None and self.platform_post_id is None

    @property
    def next_step(self) -> str | None:
        """What the product does about the post at `next_attempt_at`, in a sentence (None: nothing)."""
        return next_step(self.status, self.last_error_code, self.queued, self.next_attempt_at, self.timeline)

    @property
    def container_ids(self) -> list[str]:
        """Every container created for the post: the carousel's children, then the post's own."""
        children = [item.container_id for item in self.media if item.container_id]
        return children + ([self.container_id] if self.container_id else [])

    def __repr__(self) -> str:
        return f"SocialPost(id={self.id!r}, status={self.status!r}, media_type={self.media_type!r})"


class SocialPostMedia(Base):
    """One item of a carousel, in order, with its child container once created."""

    __tablename__ = "social_post_media"
    __table_args__ = (UniqueConstraint("post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id", ondelete="CASCADE"))
    # CASCADE (not RESTRICT) so deleting a user can remove clips and posts in one statement; the clips
    # service refuses to delete a clip that an unpublished post still uses.
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    container_id: Mapped[str | None] = mapped_column(String(64))

    post: Mapped[SocialPost] = relationship(back_populates="media", lazy="raise")
    clip: Mapped[Clip] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"SocialPostMedia(post_id={self.post_id!r}, position={self.position!r})"
