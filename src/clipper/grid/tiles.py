"""Tiles of the grid preview: our posts not published yet, and the media Meta lists on the account.

The image of a scheduled tile is what the feed will show first: a reel's cover clip (else its video's
thumbnail), a carousel's first item, an image itself. Its `feed_aspect` is how the feed frames it: an
image keeps its own ratio (Meta takes 4:5 to 1.91:1, GRAPH_API.md §3.6), a carousel takes its first
item's, and a reel's cover is cropped to its middle 1:1 when shared to the feed (the same section,
from Meta's `cover_url` reference). The grid then shows a centre crop of every tile at 3:4.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from clipper.accounts.models import Account
from clipper.clips import service as clips
from clipper.clips.models import Clip
from clipper.clips.qualify import aspect_name
from clipper.config import Settings
from clipper.grid.schemas import AspectSource, GridTile
from clipper.instagram.schemas import Media
from clipper.social.models import MediaType, PostStatus, SocialPost

# Not published yet: waiting for its time, or on its way to Instagram.
UPCOMING = (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.UNCONFIRMED)
# The most scheduled feed posts, and stories, one grid shows.
MAX_SCHEDULED = 60
MAX_STORIES = 30
# Meta's media fields the grid reads; a carousel's first child gives its image when the album has none.
MEDIA_FIELDS = (
    "id,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp,caption,"
    "is_shared_to_feed,children{media_type,media_url,thumbnail_url}"
)
REEL_FEED_ASPECT = "1:1"


def in_feed(post: SocialPost) -> bool:
    """Whether the post will sit in the profile grid: not a story, nor a reel kept off the feed."""
    if post.media_type is MediaType.STORIES:
        return False
    return not (post.media_type is MediaType.REELS and (post.options or {}).get("share_to_feed") is False)


async def upcoming(session: AsyncSession, account: Account) -> tuple[list[SocialPost], list[SocialPost]]:
    """The account's posts not published yet, feed posts latest first, stories soonest first (bounded)."""
    base = (
        select(SocialPost)
        .where(
            SocialPost.user_id == account.user_id,
            SocialPost.account_id == account.id,
            SocialPost.status.in_(UPCOMING),
            SocialPost.scheduled_for.is_not(None),
            SocialPost.removed_at.is_(None),
        )
        .options(selectinload(SocialPost.media))
    )
    stories_only = SocialPost.media_type == MediaType.STORIES
    feed = await session.scalars(
        base.where(~stories_only)
        .order_by(SocialPost.scheduled_for.desc(), SocialPost.id.desc())
        .limit(MAX_SCHEDULED)
    )
    stories = await session.scalars(
        base.where(stories_only).order_by(SocialPost.scheduled_for, SocialPost.id).limit(MAX_STORIES)
    )
    return [post for post in feed if in_feed(post)], list(stories)


def shown_clip_id(post: SocialPost) -> int | None:
    if post.media_type is MediaType.CAROUSEL:
        return post.media[0].clip_id if post.media else None
    if post.media_type is MediaType.REELS:
        cover = (post.options or {}).get("cover_clip_id")
        if isinstance(cover, int):
            return cover
    return post.clip_id


async def clips_shown(session: AsyncSession, posts: Sequence[SocialPost]) -> dict[int, Clip]:
    """The clips the posts' tiles show (one query)."""
    ids = {clip_id for post in posts if (clip_id := shown_clip_id(post)) is not None}
    if not ids:
        return {}
    owners = {post.user_id for post in posts}
    found = await session.scalars(select(Clip).where(Clip.id.in_(ids), Clip.user_id.in_(owners)))
    return {clip.id: clip for clip in found}


def _feed_aspect(post: SocialPost, clip: Clip | None) -> tuple[str | None, AspectSource]:
    if post.media_type is MediaType.REELS:
        return REEL_FEED_ASPECT, "reel_cover"
    if clip is None or not clip.width or not clip.height:
        return None, "unknown"
    source: AspectSource = "first_item" if post.media_type is MediaType.CAROUSEL else "image"
    return aspect_name(clip.width, clip.height), source


def swappable(post: SocialPost, now: datetime) -> bool:
    """Whether the post's time may still move: scheduled, not started, its time still ahead."""
    return (
        post.status is PostStatus.SCHEDULED
        and post.publish_started_at is None
        and not post.may_be_published
        and post.scheduled_for is not None
        and post.scheduled_for > now
    )


def scheduled_tile(post: SocialPost, clip: Clip | None, *, settings: Settings, now: datetime) -> GridTile:
    """The tile of one of our posts not published yet."""
    aspect, source = _feed_aspect(post, clip)
    return GridTile(
        kind="scheduled",
        post_id=post.id,
        media_id=None,
        at=post.scheduled_for,
        status=post.status,
        media_type=post.media_type.value,
        reel=post.media_type is MediaType.REELS,
        caption=post.caption,
        image_url=clips.thumbnail_url(clip, settings=settings) if clip is not None else None,
        permalink=None,
        feed_aspect=aspect,
        aspect_source=source,
        swappable=swappable(post, now),
    )


def _media_image(media: Media) -> str | None:
    """An image URL of the media: a video's thumbnail, an image's URL, else the first child's."""
    if media.media_type == "VIDEO":
        return media.thumbnail_url
    if media.media_type == "CAROUSEL_ALBUM":
        first = media.children.data[0] if media.children and media.children.data else None
        if first is not None:
            return _media_image(first)
    return media.media_url


def on_grid(media: Media) -> bool:
    """Meta's media shown on the profile grid: not a story or an ad, nor a reel kept to the Reels tab
    (`is_shared_to_feed` false: "the reel can only appear in the Reels tab", IG Media reference
    https://developers.facebook.com/docs/instagram-platform/reference/instagram-media)."""
    if media.media_product_type in ("STORY", "AD"):
        return False
    return not (media.media_product_type == "REELS" and media.is_shared_to_feed is False)


def published_tile(media: Media) -> GridTile:
    """The tile of a media Meta lists on the account."""
    reel = media.media_product_type == "REELS"
    extra: dict[str, Any] = {"feed_aspect": REEL_FEED_ASPECT, "aspect_source": "reel_cover"} if reel else {}
    return GridTile(
        kind="published",
        post_id=None,
        media_id=media.id,
        at=media.timestamp,
        status=None,
        media_type=media.media_type or "IMAGE",
        reel=reel,
        caption=media.caption,
        image_url=_media_image(media),
        permalink=media.permalink,
        **({"feed_aspect": None, "aspect_source": "unknown"} | extra),
        swappable=False,
    )
