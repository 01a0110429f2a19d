"""Saved hashtag groups: each user's own, at most 50, each at most 30 hashtags (one caption's worth)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.errors import Conflict, NotFound
from clipper.hashtags.models import HashtagGroup
from clipper.hashtags.schemas import MAX_GROUPS, GroupFields
from clipper.users.models import User


async def list_groups(session: AsyncSession, *, user: User) -> list[HashtagGroup]:
    """The user's groups by name."""
    found = await session.scalars(
        select(HashtagGroup)
        .where(HashtagGroup.user_id == user.id)
        .order_by(HashtagGroup.name, HashtagGroup.id)
    )
    return list(found)


async def get_group(session: AsyncSession, *, user: User, group_id: int) -> HashtagGroup:
    """One of the user's groups (another user's is a NotFound)."""
    group = await session.scalar(
        select(HashtagGroup).where(HashtagGroup.id == group_id, HashtagGroup.user_id == user.id)
    )
    if group is None:
        raise NotFound("No such hashtag group.")
    return group


async def _flush_named(session: AsyncSession, name: str) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(f"You already have a hashtag group named '{name}': pick another name.") from None


async def create_group(session: AsyncSession, *, user: User, data: GroupFields) -> HashtagGroup:
    """Save a new group; 409 past 50 groups or on a name already used."""
    count = await session.scalar(select(func.count()).where(HashtagGroup.user_id == user.id))
    if (count or 0) >= MAX_GROUPS:
        raise Conflict(f"You have {MAX_GROUPS} hashtag groups, the most allowed: delete one first.")
    group = HashtagGroup(user_id=user.id, name=data.name, hashtags=list(data.hashtags))
    session.add(group)
    await _flush_named(session, data.name)
    return group


async def update_group(
    session: AsyncSession, *, user: User, group_id: int, data: GroupFields
) -> HashtagGroup:
    """Rename a group or replace its hashtags."""
    group = await get_group(session, user=user, group_id=group_id)
    group.name = data.name
    group.hashtags = list(data.hashtags)
    await _flush_named(session, data.name)
    return group


async def delete_group(session: AsyncSession, *, user: User, group_id: int) -> None:
    """Delete one of the user's groups."""
    group = await get_group(session, user=user, group_id=group_id)
    await session.delete(group)
    await session.flush()
