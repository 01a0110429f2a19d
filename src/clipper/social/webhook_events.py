"""A post reaching published, failed or unconfirmed, recorded for the owner's outgoing webhooks.

Called by `persist.save` inside the unit of work that writes the new status, so the event is committed
exactly when the status is (`clipper.outgoing.outbox`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.outgoing import outbox
from clipper.social.models import PostStatus, SocialPost

EVENT_OF_STATUS = {
    PostStatus.PUBLISHED: outbox.POST_PUBLISHED,
    PostStatus.FAILED: outbox.POST_FAILED,
    PostStatus.UNCONFIRMED: outbox.POST_UNCONFIRMED,
}


def payload(post: SocialPost) -> dict[str, Any]:
    """What a subscriber learns about the post (never a token)."""
    return {
        "id": post.id,
        "account_id": post.account_id,
        "status": post.status.value,
        "media_type": post.media_type.value,
        "caption": post.caption,
        "scheduled_for": post.scheduled_for.isoformat() if post.scheduled_for else None,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "platform_post_id": post.platform_post_id,
        "platform_url": post.platform_url,
        "error_code": post.last_error_code,
        "error_message": post.error_message,
    }


# The subscribed endpoints found so far in one transaction, by (user id, event type).
Subscribers = dict[tuple[int, str], list[int]]


async def record_status(
    session: AsyncSession, post: SocialPost, subscribers: Subscribers | None = None
) -> None:
    """Record the post's new status when subscribers care about it.

    `subscribers` caches the endpoint lookup across the posts written by one transaction (a group
    commit): inside it nothing else changes the endpoints, so one lookup per user and event is exact.
    """
    event_type = EVENT_OF_STATUS.get(post.status)
    if event_type is None:
        return
    found = subscribers if subscribers is not None else {}
    key = (post.user_id, event_type)
    if key not in found:
        found[key] = await outbox.subscribed(session, user_id=post.user_id, event_type=event_type)
    outbox.enqueue(session, endpoint_ids=found[key], event_type=event_type, data=payload(post))
