"""Reading the user's posts: one (with its carousel items), or a page of the list, newest first."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, load_only, selectinload

from clipper.errors import InvalidInput, NotFound
from clipper.inputs import MAX_DB_ID
from clipper.social.models import PostStatus, SocialPost
from clipper.social.schemas import PostRead
from clipper.users.models import User


def _load() -> Any:
    return selectinload(SocialPost.media)


async def get_post(session: AsyncSession, *, user: User, post_id: int, lock: bool = False) -> SocialPost:
    """The user's post (NotFound when missing, deleted or someone else's)."""
    query = select(SocialPost).options(_load()).where(SocialPost.id == post_id, SocialPost.user_id == user.id)
    post = await session.scalar(query.with_for_update() if lock else query)
    if post is None or post.removed_at is not None:
        raise NotFound(f"Post {post_id} was not found.")
    return post


def _encode_cursor(post: SocialPost) -> str:
    return base64.urlsafe_b64encode(str(post.id).encode()).decode()


def _decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        after = int(base64.urlsafe_b64decode(cursor.encode()).decode())
        if not 0 < after <= MAX_DB_ID:
            raise ValueError(after)
        return after
    except ValueError:
        raise InvalidInput("The cursor is not valid: use the next_cursor of a previous page.") from None


async def list_posts(
    session: AsyncSession,
    *,
    user: User,
    status: PostStatus | None = None,
    account_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[SocialPost], str | None]:
    """The user's posts, newest first, filtered; returns the page and the next cursor.

    The page's ids are chosen first, from the index alone (a month of the calendar sorts only ids),
    then only those rows are read, with their carousel items in the same statement.
    """
    page_ids = select(SocialPost.id).where(SocialPost.user_id == user.id, SocialPost.removed_at.is_(None))
    if status is not None:
        page_ids = page_ids.where(SocialPost.status == status)
    if account_id is not None:
        page_ids = page_ids.where(SocialPost.account_id == account_id)
    if since is not None:
        page_ids = page_ids.where(SocialPost.scheduled_for >= since)
    if until is not None:
        page_ids = page_ids.where(SocialPost.scheduled_for < until)
    after = _decode_cursor(cursor)
    if after is not None:
        page_ids = page_ids.where(SocialPost.id < after)
    query = (
        select(SocialPost)
        .options(_LISTED, joinedload(SocialPost.media))
        .where(SocialPost.id.in_(page_ids.order_by(SocialPost.id.desc()).limit(limit + 1)))
        .order_by(SocialPost.id.desc())
    )
    rows = list((await session.scalars(query)).unique())
    page = rows[:limit]
    return page, (_encode_cursor(page[-1]) if len(rows) > limit else None)


# The columns a listed post shows (PostRead's); the engine's bookkeeping stays unread.
_LISTED = load_only(
    *(
        getattr(SocialPost, column.key)
        for column in SocialPost.__mapper__.column_attrs
        if column.key in PostRead.model_fields
    )
)
