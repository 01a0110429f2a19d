"""Mentions: someone @mentioned an account in a comment or in a caption of their own media.

The `mentions` webhook carries ids only (GRAPH_API.md §10.3); the content is read through field
expansion on the account itself: `mentioned_comment.comment_id(<id>){…}` for a comment,
`mentioned_media.media_id(<id>){…}` for a caption. One Graph call per mention, stored once; when the
read fails the ids are kept with the reason, and a repeated delivery tries the read again. The ids are
stored with the update (`note_mention`), the content read once that committed (`fill_mention`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_COMMENTS
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError
from clipper.events.hub import EventHub
from clipper.inbox import notify
from clipper.inbox.models import InboxMention, MentionKind
from clipper.inbox.pagination import encode_cursor, older_than
from clipper.instagram import InstagramGraphAPIError, InvalidTokenError
from clipper.instagram.schemas import Comment, Media
from clipper.users.models import User

log = structlog.get_logger(__name__)

# A mention's `read_error` between storing its ids and reading its content (a repeated delivery reads it).
NOT_READ_YET = "Not read from Instagram yet."

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
    *, account: Account, media_id: str, comment_id: str | None, access: AccountGraph
) -> tuple[MentionContent, str | None, InvalidTokenError | None]:
    """The mention's content, or empty content, why it could not be read and Meta's refusal of the token.

    Call it with no transaction open: the caller records a refused token when it stores the result.
    """
    try:
        client = access.client(account, MANAGE_COMMENTS)
        found = await client.get_object(account.platform_account_id, mention_fields(media_id, comment_id))
    except ClipperError as exc:
        return MentionContent(), exc.message, None
    except InvalidTokenError as exc:
        return MentionContent(), exc.user_message, exc
    except InstagramGraphAPIError as exc:
        return MentionContent(), exc.user_message, None
    return _content(dict(found)), None, None


async def _stored(session: AsyncSession, account_id: int, platform_id: str) -> InboxMention | None:
    return await session.scalar(
        select(InboxMention).where(
            InboxMention.account_id == account_id, InboxMention.platform_id == platform_id
        )
    )


@dataclass(frozen=True)
class NotedMention:
    """A mention whose ids are stored and whose content is still to read from Instagram."""

    account: Account
    mention_id: int
    media_id: str
    comment_id: str | None
    created: bool


async def note_mention(
    session: AsyncSession, *, account: Account, media_id: str, comment_id: str | None
) -> NotedMention | None:
    """Store a mention's ids once (`NOT_READ_YET` until `fill_mention`); None when its content is stored.

    Nothing is asked of Meta here, so it can run in a unit of work holding the write lock.
    """
    platform_id = comment_id or media_id
    row = await _stored(session, account.id, platform_id)
    if row is not None and row.read_error is None:
        return None
    created = row is None
    if row is None:
        row = InboxMention(
            account_id=account.id,
            kind=MentionKind.COMMENT if comment_id else MentionKind.CAPTION,
            platform_id=platform_id,
            media_id=media_id,
            comment_id=comment_id,
            mentioned_at=utcnow(),
            read_error=NOT_READ_YET,
        )
        session.add(row)
        await session.flush()
    return NotedMention(account, row.id, media_id, comment_id, created)


async def fill_mention(
    factory: async_sessionmaker[AsyncSession],
    noted: NotedMention,
    *,
    access: AccountGraph,
    hub: EventHub | None,
) -> InboxMention | None:
    """Read a noted mention's content with no transaction open, then store it in a short unit of work.

    `mention.created` follows the commit when the mention is new; None when it was deleted meanwhile.
    """
    account = noted.account
    content, error, refused = await read_mention(
        account=account, media_id=noted.media_id, comment_id=noted.comment_id, access=access
    )
    if refused is not None:
        error = (await access.refused(account, refused)).message
    async with unit_of_work(factory) as session:
        row = await session.get(InboxMention, noted.mention_id)
        if row is None:
            return None
        for name, value in vars(content).items():
            if value is not None:
                setattr(row, name, value)
        row.read_error = error
    if error:
        log.info("mention content unreadable", account_id=account.id, mention_id=row.id, error=error)
    if noted.created:
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
