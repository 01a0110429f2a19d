"""Find the media of a post whose `media_publish` answer was lost, without ever claiming a stranger's media.

It runs only for a container that reads PUBLISHED (so one of the account's media is ours); a FINISHED
or EXPIRED container was never published, and anything matching it would be someone else's (a story
posted from the phone, or a sibling post whose own id is not committed yet).

Meta's container node does not name its media (its documented fields are `id`, `status`, `status_code`
and `copyright_check_status`, and it has no edges:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container), so
we page back through the account's media (stories: `/{ig-user-id}/stories`), newest first, following the
edge's cursors (the Graph API reference of `/{ig-user-id}/media` documents no `since`/`until`, only the
guide's cursor paging: https://developers.facebook.com/docs/graph-api/reference/shadow-ig-user/media/),
until a page reaches media older than the window below, at most MAX_PAGES pages per check (a burst of our
own posts, or posts from the phone, can push ours far below the most recent few), and keep only the
items that could be ours:

- the same `media_type` and `media_product_type` we published (an IMAGE post never takes a reel or an
  album; a story takes a story of its clip's kind);
- a timestamp inside the window in which our call can have been executed: from `publish_sent_at` (less
  a clock slack) to `publish_sent_at` + the unconfirmed grace window (plus the slack); without a
  `publish_sent_at`, from the container's creation to its 24-hour lifetime;
- for feed posts and reels, exactly our caption (a caption-less post thus only takes a caption-less
  media inside that window, never an arbitrary one posted from the phone hours later);
- not the media of another of our posts: the id is claimed in one transaction that first locks the
  account row and checks that no other post of the account holds it, so two of our posts recovering
  at the same time cannot take the same media; the write also requires our lease and a post without a
  media id, so a worker whose lease was taken over never overwrites what the new owner recorded.

Among the candidates the one closest in time to our call wins.

That cannot tell apart two of our own posts that look the same (stories, which carry no caption, or
feed posts of one media type with the same caption, none included) if both are unconfirmed at once: each
could take the other's media. So a post is only sent while no look-alike of the same account may be
published without a known media id (`look_alike_held`, under the same account lock as `claim`); otherwise it
waits for the other to be confirmed, which normally takes the one batch call that publishes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.models import Account
from clipper.db import unit_of_work, utcnow
from clipper.instagram import InstagramGraphAPI
from clipper.social import containers, persist
from clipper.social.models import MediaType, SocialPost

PAGE_SIZE = 50
MAX_PAGES = 20
CLOCK_SLACK = timedelta(minutes=2)
CONTAINER_LIFETIME = timedelta(hours=24)
_PRODUCT = {
    MediaType.IMAGE: "FEED",
    MediaType.CAROUSEL: "FEED",
    MediaType.REELS: "REELS",
    MediaType.STORIES: "STORY",
}
Factory = async_sessionmaker[AsyncSession]
_MEDIA_TYPE = {MediaType.IMAGE: "IMAGE", MediaType.CAROUSEL: "CAROUSEL_ALBUM", MediaType.REELS: "VIDEO"}


def _expected_media_types(post: SocialPost) -> set[str]:
    if post.media_type is not MediaType.STORIES:
        return {_MEDIA_TYPE[post.media_type]}
    if post.clip is None:
        return {"IMAGE", "VIDEO"}
    return {"VIDEO" if post.clip.kind.value == "video" else "IMAGE"}


def _window(post: SocialPost, grace_seconds: float) -> tuple[datetime, datetime] | None:
    """When Meta can have created our media, or None when we never made a container."""
    if post.publish_sent_at is not None:
        start = post.publish_sent_at
        return start - CLOCK_SLACK, start + timedelta(seconds=grace_seconds) + CLOCK_SLACK
    created = post.container_created_at
    if created is None:
        return None
    return created - CLOCK_SLACK, created + CONTAINER_LIFETIME + CLOCK_SLACK


def _timestamp(item: dict[str, Any]) -> datetime | None:
    stamp = item.get("timestamp")
    if isinstance(stamp, datetime):
        return stamp
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(str(stamp).replace("+0000", "+00:00"))
    except ValueError:
        return None


def _could_be_ours(post: SocialPost, item: dict[str, Any], window: tuple[datetime, datetime]) -> bool:
    if item.get("media_product_type") != _PRODUCT[post.media_type]:
        return False
    if item.get("media_type") not in _expected_media_types(post):
        return False
    when = _timestamp(item)
    if when is None or not window[0] <= when <= window[1]:
        return False
    if post.media_type is MediaType.STORIES:
        return True
    return (item.get("caption") or None) == containers.caption_of(post)


async def _since(api: InstagramGraphAPI, ig: str, post: SocialPost, start: datetime) -> list[dict[str, Any]]:
    """The account's media back to `start` (newest first), at most MAX_PAGES pages of them."""
    fields = "id,caption,timestamp,media_type,media_product_type"
    edge = "stories" if post.media_type is MediaType.STORIES else "media"
    found: list[dict[str, Any]] = []
    pages = 0
    async for page in api.iterate_pages(f"{ig}/{edge}", {"fields": fields, "limit": PAGE_SIZE}):
        items = [dict(item) for item in page.get("data") or [] if isinstance(item, dict)]
        found += items
        pages += 1
        if pages >= MAX_PAGES or any((_timestamp(item) or start) < start for item in items):
            break
    return found


async def _taken(factory: Factory, post: SocialPost) -> set[str]:
    async with unit_of_work(factory, immediate=False) as session:
        rows = await session.scalars(
            select(SocialPost.platform_post_id).where(
                SocialPost.account_id == post.account_id,
                SocialPost.id != post.id,
                SocialPost.platform_post_id.is_not(None),
            )
        )
        return {media_id for media_id in rows if media_id}


async def candidates(
    factory: Factory, api: InstagramGraphAPI, ig: str, post: SocialPost, *, grace_seconds: float
) -> list[str]:
    """The ids of the account's media that could be this post's, the most likely first."""
    window = _window(post, grace_seconds)
    if window is None:
        return []
    taken = await _taken(factory, post)
    anchor = post.publish_sent_at or window[0] + CLOCK_SLACK
    matching = [
        item
        for item in await _since(api, ig, post, window[0])
        if str(item.get("id")) not in taken and _could_be_ours(post, item, window)
    ]
    matching.sort(key=lambda item: abs(((_timestamp(item) or anchor) - anchor).total_seconds()))
    return [str(item["id"]) for item in matching]


async def claim(factory: Factory, post: SocialPost, media_id: str, *, lease: datetime | None) -> bool:
    """Record `media_id` as the post's; False unless we still hold `lease`, the post has no media id yet
    and no other post of the account holds this one (checked under a lock)."""
    async with persist.one_writer(factory), unit_of_work(factory) as session:
        # The account row is the lock two recovering posts of one account meet on (SQLite: the write lock).
        await session.execute(select(Account.id).where(Account.id == post.account_id).with_for_update())
        holder = await session.scalar(
            select(SocialPost.id).where(
                SocialPost.account_id == post.account_id,
                SocialPost.id != post.id,
                SocialPost.platform_post_id == media_id,
            )
        )
        if holder is not None:
            return False
        # A worker whose lease was taken over must not overwrite what the new owner recorded.
        result = await session.execute(
            update(SocialPost)
            .where(SocialPost.id == post.id, SocialPost.platform_post_id.is_(None), persist.owned_by(lease))
            .values(platform_post_id=media_id)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
    post.platform_post_id = media_id
    return True


async def find_and_claim(
    factory: Factory,
    api: InstagramGraphAPI,
    ig: str,
    post: SocialPost,
    *,
    lease: datetime | None,
    grace_seconds: float,
) -> str | None:
    """The media id now recorded for the post, or None when no media can be it (or the lease is lost).

    Only for a container that reads PUBLISHED: a FINISHED or EXPIRED one was never published, so any
    matching media would be someone else's.
    """
    for media_id in await candidates(factory, api, ig, post, grace_seconds=grace_seconds):
        if await claim(factory, post, media_id, lease=lease):
            return media_id
    return None


async def look_alike_held(session: AsyncSession, post: SocialPost) -> persist.Held | None:
    """Inside the write that commits the intent to publish (`persist.save`'s guard): Held until the last
    look-alike of the account is next checked, else None.

    A look-alike is a post of the same account and product, published without a known media id, whose
    media could pass for this one's: the same caption (what `_could_be_ours` tells media apart by; a
    story by neither).
    """
    now = utcnow()
    if session.get_bind().dialect.name != "sqlite":
        # Two look-alikes of one account checking at once meet on the account row (SQLite: the write
        # lock, already held), so they cannot both see the other as not sent yet.
        await session.execute(select(Account.id).where(Account.id == post.account_id).with_for_update())
    in_flight = await session.execute(
        select(SocialPost.next_attempt_at, SocialPost.caption, SocialPost.hashtags).where(
            SocialPost.account_id == post.account_id,
            SocialPost.id != post.id,
            SocialPost.media_type == post.media_type,
            # The partial index `ix_social_posts_in_flight`: these two conditions, verbatim.
            SocialPost.publish_sent_at.is_not(None),
            SocialPost.platform_post_id.is_(None),
        )
    )
    caption = containers.caption_of(post)
    checks = [
        next_check or now
        for next_check, other_caption, hashtags in in_flight
        if post.media_type is MediaType.STORIES or containers.caption_from(other_caption, hashtags) == caption
    ]
    return persist.Held(max(now, *checks)) if checks else None
