"""Mentions: someone @mentioned an account in a comment or in a caption of their own media.

The `mentions` webhook carries ids only (GRAPH_API.md §10.3); the content is read through field
expansion on the account itself: `mentioned_comment.comment_id(<id>){…}` for a comment,
`mentioned_media.media_id(<id>){…}` for a caption. One Graph call per mention, stored once; when the
read fails the ids are kept with the reason, and a repeated delivery tries the read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.db import utcnow
from clipper.errors import ClipperError
from clipper.events.hub import EventHub
from clipper.inbox import notify
from clipper.inbox.access import MANAGE_COMMENTS, GraphAccess, client_for
from clipper.inbox.models import InboxMention, MentionKind
from clipper.inbox.pagination import encode_cursor, older_than
from clipper.instagram import InstagramGraphAPIError, InvalidTokenError
from clipper.instagram.schemas import Comment, Media
from clipper.users.models import User

log = structlog.get_logger(__name__)

MENTIONED_COMMENT_FIELDS = "id,text,timestamp,username,like_count"
MENTIONED_MEDIA_FIELDS = (
    "id,caption,media_type,media_url,permalink,timestamp,username,like_count,comments_count"
)


@dataclass
class MentionContent:
    """What Instagram shows of a mention (all None when it could not be read)."""

    author_username: str | None = None
    text: str | None = None
    media_caption: str | None = None
    media_type: str | None = None
    media_url: str | None = None
    permalink: str | None = None
    mentioned_at: datetime | None = None


def mention_fields(media_id: str, comment_id: str | None) -> str:
    """The `fields` that read a mention's content on the mentioned IG user (one call)."""
    if comment_id:
        return f"mentioned_comment.comment_id({comment_id}){{{MENTIONED_COMMENT_FIELDS}}}"
    return f"mentioned_media.media_id({media_id}){{{MENTIONED_MEDIA_FIELDS}}}"


def _content(found: dict[str, Any]) -> MentionContent:
    comment = found.get("mentioned_comment")
    if isinstance(comment, dict):
        read = Comment.model_validate(comment)
        return MentionContent(author_username=read.username, text=read.text, mentioned_at=read.timestamp)
    media = Media.model_validate(found.get("mentioned_media") or {"id": ""})
    return MentionContent(
        author_username=media.username,
        text=media.caption,
        media_caption=media.caption,
        media_type=media.media_type,
        media_url=media.media_url,
        permalink=media.permalink,
        mentioned_at=media.timestamp,
    )


async def read_mention(
    session: AsyncSession, *, account: Account, media_id: str, comment_id: str | None, access: GraphAccess
) -> tuple[MentionContent, str | None]:
    """The mention's content, or empty content and why it could not be read (a refused token marks it)."""
    try:
        client = client_for(account, MANAGE_COMMENTS, access=access)
        found = await client.get_object(account.platform_account_id, mention_fields(media_id, comment_id))
    except ClipperError as exc:
        return MentionContent(), exc.message
    except InvalidTokenError as exc:
        # Marked in this unit of work, which commits: the mention's ids are stored all the same.
        return MentionContent(), (await accounts.token_refused(session, account=account, error=exc)).message
    except InstagramGraphAPIError as exc:
        return MentionContent(), exc.user_message
    return _content(dict(found)), None


async def _stored(session: AsyncSession, account_id: int, platform_id: str) -> InboxMention | None:
    return await session.scalar(
        select(InboxMention).where(
            InboxMention.account_id == account_id, InboxMention.platform_id == platform_id
        )
    )


async def record_mention(
    session: AsyncSession,
    *,
    account: Account,
    media_id: str,
    comment_id: str | None,
    access: GraphAccess,
    hub: EventHub | None = None,
) -> InboxMention:
    """Store a mention once, with its content read from Instagram; `mention.created` when it is new."""
    platform_id = comment_id or media_id
    row = await _stored(session, account.id, platform_id)
    if row is not None and row.read_error is None:
        return row
    content, error = await read_mention(
        session, account=account, media_id=media_id, comment_id=comment_id, access=access
    )
    created = row is None
    if row is None:
        row = InboxMention(
            account_id=account.id,
            kind=MentionKind.COMMENT if comment_id else MentionKind.CAPTION,
            platform_id=platform_id,
            media_id=media_id,
            comment_id=comment_id,
            mentioned_at=content.mentioned_at or utcnow(),
        )
        session.add(row)
    for name, value in vars(content).items():
        if value is not None:
            setattr(row, name, value)
    row.read_error = error
    await session.flush()
    if error:
        log.info("mention content unreadable", account_id=account.id, mention_id=row.id, error=error)
    if created:
        await notify.mention_created(hub, user_id=account.user_id, mention=row)
    return row


async def list_mentions(
    session: AsyncSession, *, user: User, account_id: int | None, limit: int, cursor: str | None
) -> tuple[list[InboxMention], str | None]:
    """The user's mentions, newest first (one account's with `account_id`)."""
    query = select(InboxMention).join(Account, Account.id == InboxMention.account_id)
    query = query.where(Account.user_id == user.id)
    if account_id is not None:
        await accounts.get_account(session, user=user, account_id=account_id)
        query = query.where(InboxMention.account_id == account_id)
    after = older_than(cursor, InboxMention.mentioned_at, InboxMention.id)
    if after is not None:
        query = query.where(after)
    query = query.order_by(InboxMention.mentioned_at.desc(), InboxMention.id.desc()).limit(limit + 1)
    rows = (await session.scalars(query)).all()
    items = list(rows[:limit])
    more = len(rows) > limit and items
    return items, encode_cursor(items[-1].mentioned_at, items[-1].id) if more else None
