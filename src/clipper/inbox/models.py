"""Inbox tables: comments, conversations and their messages, moderation rules and their audit, sync state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from clipper.db import Base, JSONType, TimestampMixin, str_enum


class RuleKind(StrEnum):
    KEYWORD = "keyword"
    REGEX = "regex"


class RuleAction(StrEnum):
    HIDE = "hide"
    DELETE = "delete"


class InboxComment(TimestampMixin, Base):
    """A comment (or reply) on one of an account's media, as last seen on Instagram."""

    __tablename__ = "inbox_comment"
    __table_args__ = (
        UniqueConstraint("account_id", "platform_comment_id"),
        Index("ix_inbox_comment_account_id_commented_at", "account_id", "commented_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    platform_comment_id: Mapped[str] = mapped_column(String(64))
    media_id: Mapped[str] = mapped_column(String(64), index=True)
    # The Instagram id of the top-level comment this one replies to (None on top-level comments).
    parent_platform_id: Mapped[str | None] = mapped_column(String(64), index=True)
    author_id: Mapped[str | None] = mapped_column(String(64))
    author_username: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text, default="")
    commented_at: Mapped[datetime]
    # Written by the account itself (its replies): never moderated, never "unanswered".
    from_account: Mapped[bool] = mapped_column(default=False, server_default=false())
    hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    answered: Mapped[bool] = mapped_column(default=False, server_default=false())
    deleted: Mapped[bool] = mapped_column(default=False, server_default=false())
    private_reply_sent_at: Mapped[datetime | None]
    # The media it is on, as first seen (sync's media read, or one batched read after a webhook); the
    # caption is cut short, and the thumbnail is a CDN URL that a later sync refreshes.
    media_caption: Mapped[str | None] = mapped_column(Text)
    media_permalink: Mapped[str | None] = mapped_column(Text)
    media_product_type: Mapped[str | None] = mapped_column(String(32))
    media_thumbnail_url: Mapped[str | None] = mapped_column(Text)


class InboxConversation(TimestampMixin, Base):
    """A DM thread between an account and one Instagram user (IGSID)."""

    __tablename__ = "inbox_conversation"
    __table_args__ = (UniqueConstraint("account_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # Learned from the conversations API; webhooks only name the participant.
    platform_conversation_id: Mapped[str | None] = mapped_column(String(255))
    participant_id: Mapped[str] = mapped_column(String(64))
    participant_username: Mapped[str | None] = mapped_column(String(255))
    last_message_at: Mapped[datetime | None] = mapped_column(index=True)
    last_message_text: Mapped[str | None] = mapped_column(Text)
    # When the person last wrote: the messaging window opens from there.
    last_user_message_at: Mapped[datetime | None]
    unread_count: Mapped[int] = mapped_column(default=0, server_default="0")


class InboxMessage(TimestampMixin, Base):
    """One DM; kept after Instagram stops showing it (only the latest 20 are readable there)."""

    __tablename__ = "inbox_message"
    __table_args__ = (
        UniqueConstraint("conversation_id", "platform_message_id"),
        Index("ix_inbox_message_conversation_id_sent_at", "conversation_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("inbox_conversation.id", ondelete="CASCADE"))
    platform_message_id: Mapped[str] = mapped_column(String(255))
    from_account: Mapped[bool] = mapped_column(default=False, server_default=false())
    text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, server_default="[]")
    sent_at: Mapped[datetime]


class ModerationRule(TimestampMixin, Base):
    """Keywords or regexes that hide (or delete) matching new comments of one account."""

    __tablename__ = "moderation_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[RuleKind] = mapped_column(str_enum(RuleKind, "moderation_rule_kind", length=16))
    patterns: Mapped[list[str]] = mapped_column(JSONType, default=list)
    action: Mapped[RuleAction] = mapped_column(str_enum(RuleAction, "moderation_rule_action", length=16))
    enabled: Mapped[bool] = mapped_column(default=True, server_default=true())


class ModerationAction(Base):
    """The audit trail: what a rule did to which comment, and whether Instagram accepted it."""

    __tablename__ = "moderation_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_rule.id", ondelete="SET NULL"))
    rule_name: Mapped[str] = mapped_column(String(100))
    platform_comment_id: Mapped[str] = mapped_column(String(64))
    comment_text: Mapped[str] = mapped_column(Text)
    matched: Mapped[str] = mapped_column(String(255))
    action: Mapped[RuleAction] = mapped_column(str_enum(RuleAction, "moderation_action_action", length=16))
    succeeded: Mapped[bool]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class InboxSyncState(Base):
    """When an account's comments and conversations were last backfilled, and how it went.

    Every attempt (success or failure) sets `attempted_at` and `next_sync_at`; the periodic pass picks
    accounts by `next_sync_at`, so a failing account waits its backoff instead of being retried first.
    """

    __tablename__ = "inbox_sync_state"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    comments_synced_at: Mapped[datetime | None]
    conversations_synced_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[datetime | None]
    next_sync_at: Mapped[datetime | None] = mapped_column(index=True)
    # Attempts in a row that failed (0 after a success): the backoff doubles with each.
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")


class MentionKind(StrEnum):
    COMMENT = "comment"
    CAPTION = "caption"


class InboxMention(TimestampMixin, Base):
    """Someone @mentioned the account: in a comment, or in the caption of their own media."""

    __tablename__ = "inbox_mention"
    __table_args__ = (
        # The comment's id for a comment mention, the media's for a caption mention (never NULL, so
        # a repeated webhook cannot store it twice).
        UniqueConstraint("account_id", "platform_id"),
        Index("ix_inbox_mention_account_id_mentioned_at", "account_id", "mentioned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[MentionKind] = mapped_column(str_enum(MentionKind, "inbox_mention_kind", length=16))
    platform_id: Mapped[str] = mapped_column(String(64))
    # The other person's media that carries the mention (in its caption or in one of its comments).
    media_id: Mapped[str] = mapped_column(String(64))
    comment_id: Mapped[str | None] = mapped_column(String(64))
    author_username: Mapped[str | None] = mapped_column(String(255))
    # The comment's text, or the caption.
    text: Mapped[str | None] = mapped_column(Text)
    media_caption: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(32))
    media_url: Mapped[str | None] = mapped_column(Text)
    permalink: Mapped[str | None] = mapped_column(Text)
    mentioned_at: Mapped[datetime]
    # Why the content could not be read from Instagram (the ids are kept; a later read may succeed).
    read_error: Mapped[str | None] = mapped_column(Text)
