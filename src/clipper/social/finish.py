"""After media_publish: recover a lost media id, permalink, first comment; processing error messages.

Recovering the media id of a PUBLISHED container (the answer of `media_publish` was lost, or a worker
died before committing it): Meta's container node does not name its media, so we read the account's
recent media (stories: `/{ig-user-id}/stories`) and take the oldest one that (a) was created no earlier
than our container, (b) has the product type we published (FEED/REELS/STORY) and, for feed posts and
reels, exactly our caption, and (c) is not already the media of another of our posts. A media that
cannot be found yet (read-after-write lag) is retried with backoff, never published again.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from clipper.db import unit_of_work
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.error_text import user_message_for
from clipper.instagram.errors import InstagramGraphAPIError
from clipper.social import containers, timeline
from clipper.social.models import MediaType, SocialPost

if TYPE_CHECKING:
    from clipper.social.engine import Engine, Step

RECENT_MEDIA = 50
CLOCK_SLACK = timedelta(minutes=2)
_PRODUCT = {
    MediaType.IMAGE: "FEED",
    MediaType.CAROUSEL: "FEED",
    MediaType.REELS: "REELS",
    MediaType.STORIES: "STORY",
}
_SUBCODE = re.compile(r"error code (\d+)")


def status_code_of(detail: str | None) -> str:
    """`ERROR/<subcode>` from a container status sentence."""
    found = _SUBCODE.search(detail or "")
    return f"ERROR/{found.group(1)}" if found else "ERROR"


def processing_error(detail: str | None) -> str:
    """What the user should do about a container that ended in ERROR."""
    found = _SUBCODE.search(detail or "")
    subcode = int(found.group(1)) if found else None
    message = user_message_for(None, subcode, detail or "") if subcode is not None else None
    return message or (
        "Instagram could not process the media"
        + (f" ({detail})" if detail else "")
        + ". Convert the clip with Clips → Conform and publish again."
    )


async def _claimed_elsewhere(engine: Engine, post: SocialPost) -> set[str]:
    async with unit_of_work(engine.session_factory) as session:
        rows = await session.scalars(
            select(SocialPost.platform_post_id).where(
                SocialPost.account_id == post.account_id,
                SocialPost.id != post.id,
                SocialPost.platform_post_id.is_not(None),
            )
        )
        return {media_id for media_id in rows if media_id}


async def _recent(api: InstagramGraphAPI, ig: str, post: SocialPost) -> list[dict[str, Any]]:
    fields = "id,caption,timestamp,media_product_type"
    edge = "stories" if post.media_type is MediaType.STORIES else "media"
    found: list[dict[str, Any]] = []
    async for page in api.iterate_pages(f"{ig}/{edge}", {"fields": fields, "limit": 25}):
        found += [dict(item) for item in page.get("data") or [] if isinstance(item, dict)]
        if len(found) >= RECENT_MEDIA:
            break
    return found


def _matches(post: SocialPost, item: dict[str, Any]) -> bool:
    from datetime import datetime

    created = timeline.last(post, "container_created")
    stamp = item.get("timestamp")
    if created is not None and stamp:
        when = (
            stamp
            if isinstance(stamp, datetime)
            else datetime.fromisoformat(str(stamp).replace("+0000", "+00:00"))
        )
        if when < created - CLOCK_SLACK:
            return False
    product = item.get("media_product_type")
    if product and product != _PRODUCT[post.media_type]:
        return False
    if post.media_type is MediaType.STORIES:
        return True
    return (item.get("caption") or None) == containers.caption_of(post)


async def recover(engine: Engine, post: SocialPost, api: InstagramGraphAPI, ig: str) -> Step:
    """The container is PUBLISHED: find its media among the account's recent media, never publish again."""
    taken = await _claimed_elsewhere(engine, post)
    candidates = [
        item for item in await _recent(api, ig, post) if item["id"] not in taken and _matches(post, item)
    ]
    if not candidates:
        timeline.add(post, "recovery_pending", "published on Instagram; its media is not listed yet")
        return engine.retry(post, None, code="recovery_pending", seconds=5.0 * (post.attempts + 1))
    post.platform_post_id = str(candidates[-1]["id"])
    timeline.add(post, "media_recovered", post.platform_post_id)
    from clipper.social.engine import GO_ON

    return GO_ON


async def complete(engine: Engine, post: SocialPost, api: InstagramGraphAPI, *, sent_now: bool) -> Step:
    """Permalink (best effort), first comment (once), then published."""
    assert post.platform_post_id is not None
    if post.platform_url is None and timeline.first(post, "permalink_unavailable") is None:
        try:
            details = await api.get_media_details(post.platform_post_id, fields="id,permalink")
            post.platform_url = details.permalink
        except InstagramGraphAPIError as error:
            timeline.add(post, "permalink_unavailable", error.user_message)
    comment = post.options.get("first_comment")
    if comment and post.first_comment_id is None and timeline.first(post, "first_comment_failed") is None:
        step = await _first_comment(engine, post, api, comment, sent_now=sent_now)
        if step is not None:
            return step
    return engine.published(post)


async def _first_comment(
    engine: Engine, post: SocialPost, api: InstagramGraphAPI, text: str, *, sent_now: bool
) -> Step | None:
    """Post the first comment once: the intent is committed first, and looked for after a crash."""
    from clipper.social.engine import Step

    assert post.platform_post_id is not None
    if timeline.first(post, "first_comment_sent") is None:
        timeline.add(post, "first_comment_sent")
        return Step(True, sent_now=True)
    try:
        if not sent_now:
            existing = await api.get_media_comments(post.platform_post_id, fields="id,text", max_items=50)
            mine = [c for c in existing if c.get("text") == text]
            if mine:
                post.first_comment_id = str(mine[-1]["id"])
                return None
        post.first_comment_id = await api.post_comment(post.platform_post_id, text)
        timeline.add(post, "first_comment_posted", post.first_comment_id)
    except InstagramGraphAPIError as error:
        if error.retryable and post.attempts + 1 < engine.settings.publish_max_attempts:
            return engine.retry(post, error, code="first_comment")
        timeline.add(post, "first_comment_failed", error.user_message)
    return None
