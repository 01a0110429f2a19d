"""Request and response bodies of the inbox API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from clipper.inbox.comments import BulkAction
from clipper.inbox.models import MentionKind, RuleAction, RuleKind
from clipper.inputs import DbId

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None


class CommentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    platform_comment_id: str
    media_id: str
    parent_platform_id: str | None
    author_id: str | None
    author_username: str | None
    text: str
    commented_at: datetime
    from_account: bool
    hidden: bool
    answered: bool
    deleted: bool
    private_reply_sent_at: datetime | None
    media_caption: str | None = None
    media_permalink: str | None = None
    media_product_type: str | None = None
    media_thumbnail_url: str | None = None


class CommentThread(CommentRead):
    replies: list[CommentRead] = Field(default_factory=list)


class ReplyCreate(BaseModel):
    message: str = Field(min_length=1, max_length=2200)


class PrivateReplyCreate(BaseModel):
    message: str = Field(min_length=1, max_length=1000)


class HideRequest(BaseModel):
    hide: bool = True


class BulkRequest(BaseModel):
    ids: list[DbId] = Field(min_length=1, max_length=500)
    action: BulkAction


class BulkItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ok: bool
    error: str | None = None


class BulkResponse(BaseModel):
    results: list[BulkItem]


class CommentSettings(BaseModel):
    account_id: DbId
    enabled: bool


class CommentSettingsRead(BaseModel):
    media_id: str
    enabled: bool


class RuleCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    kind: RuleKind = RuleKind.KEYWORD
    patterns: list[str] = Field(min_length=1, max_length=100)
    action: RuleAction = RuleAction.HIDE
    enabled: bool = True


class RuleUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    kind: RuleKind | None = None
    patterns: list[str] | None = Field(default=None, min_length=1, max_length=100)
    action: RuleAction | None = None
    enabled: bool | None = None


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    name: str
    kind: RuleKind
    patterns: list[str]
    action: RuleAction
    enabled: bool
    created_at: datetime


class ModerationActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_id: int | None
    rule_name: str
    platform_comment_id: str
    comment_text: str
    matched: str
    action: RuleAction
    succeeded: bool
    error: str | None
    created_at: datetime


class Participant(BaseModel):
    id: str
    username: str | None


class ConversationRead(BaseModel):
    id: int
    account_id: int
    participants: list[Participant]
    last_message_text: str | None
    last_message_at: datetime | None
    unread_count: int
    can_reply_until: datetime | None
    human_agent_until: datetime | None


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    conversation_id: int
    platform_message_id: str
    from_account: bool
    text: str | None
    attachments: list[dict[str, Any]]
    sent_at: datetime


class MessageCreate(BaseModel):
    text: str | None = Field(default=None, min_length=1, max_length=1000)
    clip_id: DbId | None = None
    human_agent: bool = False


class SyncRead(BaseModel):
    media: int
    comments: int
    new_comments: int
    conversations: int
    new_messages: int
    moderated: int
    errors: list[str]


class MentionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    kind: MentionKind
    media_id: str
    comment_id: str | None
    author_username: str | None
    text: str | None
    media_caption: str | None
    media_type: str | None
    media_url: str | None
    permalink: str | None
    mentioned_at: datetime
    read_error: str | None
    created_at: datetime
