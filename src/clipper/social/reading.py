"""Reading the user's posts: one (with its carousel items), or a page of the list, newest first."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from pydantic_core import from_json
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from clipper.errors import InvalidInput, NotFound
from clipper.inputs import MAX_DB_ID
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia, next_step
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


def _encode_cursor(post_id: int) -> str:
    return base64.urlsafe_b64encode(str(post_id).encode()).decode()


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
) -> tuple[list[dict[str, Any]], str | None]:
    """The user's posts, newest first, filtered: the page (each post as PostRead's fields), the next cursor.

    The page's ids are chosen first, from the index alone (a month of the calendar sorts only ids),
    then only those rows are read, with their carousel items in the same statement. The rows stay rows:
    loading 200 posts as objects, then reading them back attribute by attribute, cost more than the rest
    of the request together.
    """
    page_ids = select(_POSTS.c.id).where(_POSTS.c.user_id == user.id, _POSTS.c.removed_at.is_(None))
    if status is not None:
        page_ids = page_ids.where(_POSTS.c.status == status)
    if account_id is not None:
        page_ids = page_ids.where(_POSTS.c.account_id == account_id)
    if since is not None:
        page_ids = page_ids.where(_POSTS.c.scheduled_for >= since)
    if until is not None:
        page_ids = page_ids.where(_POSTS.c.scheduled_for < until)
    after = _decode_cursor(cursor)
    if after is not None:
        page_ids = page_ids.where(_POSTS.c.id < after)
    query = _LISTED.where(_POSTS.c.id.in_(page_ids.order_by(_POSTS.c.id.desc()).limit(limit + 1)))
    posts: list[dict[str, Any]] = []
    for row in (await session.execute(query)).all():
        if not posts or posts[-1]["id"] != row[0]:
            posts.append(dict(zip(_KEYS, row, strict=False)) | {"media": []})
        if row[-2] is not None:  # a carousel item: its clip, and its child container once created
            posts[-1]["media"].append((row[-2], row[-1]))
    page = [_finish(post) for post in posts[:limit]]
    return page, (_encode_cursor(page[-1]["id"]) if len(posts) > limit else None)


_POSTS = SocialPost.__table__
_MEDIA = SocialPostMedia.__table__
# The columns a listed post shows (PostRead's); the engine's bookkeeping stays unread.
_COLUMNS = [column for column in _POSTS.c if column.key in PostRead.model_fields]
_KEYS = [column.key for column in _COLUMNS]
_LISTED = (
    select(*_COLUMNS, _MEDIA.c.clip_id.label("item_clip"), _MEDIA.c.container_id.label("item_container"))
    .outerjoin(_MEDIA, _MEDIA.c.post_id == _POSTS.c.id)
    .order_by(_POSTS.c.id.desc(), _MEDIA.c.position)
)


def _finish(post: dict[str, Any]) -> dict[str, Any]:
    """PostRead's computed fields, as `SocialPost`'s properties compute them."""
    media: list[tuple[int, str | None]] = post.pop("media")
    # A JSON list in a text column (PostRead would parse it too, with the standard library's slower parser).
    post["hashtags"] = from_json(post["hashtags"]) if post["hashtags"] else []
    if post["media_type"] is MediaType.CAROUSEL:
        post["clip_ids"] = [clip_id for clip_id, _ in media]
    else:
        post["clip_ids"] = [post["clip_id"]] if post["clip_id"] is not None else []
    own = [post["container_id"]] if post["container_id"] else []
    post["container_ids"] = [container for _, container in media if container] + own
    post["next_step"] = next_step(
        post["status"], post["last_error_code"], post["queued"], post["next_attempt_at"], post["timeline"]
    )
    return post
