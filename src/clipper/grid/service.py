"""The grid preview's front door: read the grid (ours, then Meta's media) and swap two posts' times.

Reading the grid calls Meta with no transaction open: the account and its upcoming posts are read in a
short unit of work, Meta's latest media in one call through the accounts gateway. A swap follows the
posting queue's rules (`clipper.queue.placement`): the account's row is locked first, and both posts
must still be waiting (scheduled, publishing not started, their times ahead).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.errors import Conflict, InvalidInput, NotFound
from clipper.grid import tiles
from clipper.grid.schemas import GridRead, GridTile, SwappedPost, SwapRead
from clipper.queue import placement
from clipper.social.models import PostStatus, SocialPost
from clipper.users.models import User

# Meta's latest media the grid shows (one page of the media edge: one Graph call).
PUBLISHED_SHOWN = 30
READ_PERMISSION = "instagram_basic"


async def get_grid(
    factory: async_sessionmaker[AsyncSession],
    access: AccountGraph,
    *,
    user: User,
    account_id: int,
    settings: Settings,
) -> GridRead:
    """The account's profile grid: its posts not published yet (latest first), then Meta's latest media."""
    now = utcnow()
    async with unit_of_work(factory, immediate=False) as session:
        account = await accounts.get_account(session, user=user, account_id=account_id)
        feed, stories = await tiles.upcoming(session, account)
        shown = await tiles.clips_shown(session, [*feed, *stories])
    async with access.calling(account, READ_PERMISSION) as client:
        media, _ = await client.get_user_media_page(
            account.platform_account_id, fields=tiles.MEDIA_FIELDS, limit=PUBLISHED_SHOWN
        )

    def tile(post: SocialPost) -> GridTile:
        clip = shown.get(clip_id) if (clip_id := tiles.shown_clip_id(post)) is not None else None
        return tiles.scheduled_tile(post, clip, settings=settings, now=now)

    published = [tiles.published_tile(item) for item in media[:PUBLISHED_SHOWN] if tiles.on_grid(item)]
    return GridRead(
        account_id=account.id,
        tiles=[*(tile(post) for post in feed), *published],
        stories=[tile(post) for post in stories],
        published_shown=len(published),
    )


async def _two_posts(session: AsyncSession, *, user: User, post_ids: Sequence[int]) -> list[SocialPost]:
    found = await session.scalars(
        select(SocialPost)
        .where(SocialPost.id.in_(post_ids), SocialPost.user_id == user.id, SocialPost.removed_at.is_(None))
        .with_for_update()
    )
    by_id = {post.id: post for post in found}
    missing = [post_id for post_id in post_ids if post_id not in by_id]
    if missing:
        raise NotFound(f"Post {missing[0]} was not found.")
    return [by_id[post_id] for post_id in post_ids]


def _why_not(post: SocialPost) -> str:
    if post.status is not PostStatus.SCHEDULED:
        return f"it is {post.status.value}"
    if post.publish_started_at is not None or post.may_be_published:
        return "its publishing has started"
    return "its time has come"


def _check(post: SocialPost, account_id: int) -> None:
    if post.account_id != account_id:
        raise InvalidInput(
            f"Post {post.id} is for another account: only two posts of account {account_id} can swap times."
        )
    if not tiles.swappable(post, utcnow()):
        raise Conflict(
            f"Post {post.id} cannot move: {_why_not(post)}. Only scheduled posts whose time is still ahead "
            "and whose publishing has not started can swap times."
        )


async def swap(session: AsyncSession, *, user: User, account_id: int, post_ids: Sequence[int]) -> SwapRead:
    """Exchange the scheduled times of two waiting posts of the account, under the account's lock."""
    account = await placement.lock_account(session, user_id=user.id, account_id=account_id)
    queue = await placement.settings_of(session, account, create=False)
    first, second = await _two_posts(session, user=user, post_ids=post_ids)
    for post in (first, second):
        _check(post, account.id)
    placement.swap(first, second, paused=queue.paused)
    await session.flush()
    return SwapRead(
        account_id=account.id, posts=[SwappedPost.model_validate(post) for post in (first, second)]
    )
