"""A post and the posting queue (`clipper.queue`): "add to queue" on create and change, leaving it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.queue import placement
from clipper.social import timeline
from clipper.social.models import PostStatus, SocialPost
from clipper.social.schemas import PostCreate, PostUpdate
from clipper.social.validation import Reason


def reasons(data: PostCreate) -> list[Reason]:
    """What is wrong with asking for the queue together with a time of one's own."""
    if not data.add_to_queue:
        return []
    found = []
    if data.scheduled_for is not None:
        found.append(Reason("give either scheduled_for or add_to_queue, not both", "add_to_queue"))
    if data.publish_now:
        found.append(Reason("give either publish_now or add_to_queue, not both", "add_to_queue"))
    return found


def prepared(post: SocialPost, data: PostUpdate, merged: PostCreate) -> PostCreate:
    """The change to validate: a post joining the queue drops its old time, one given a time leaves it."""
    given = data.model_fields_set
    if data.add_to_queue and "scheduled_for" not in given:
        if post.queued and post.status is PostStatus.SCHEDULED:
            return merged.model_copy(update={"add_to_queue": None})  # already in the queue: keep its slot
        return merged.model_copy(update={"scheduled_for": None})
    if data.add_to_queue is False or ("scheduled_for" in given and not data.add_to_queue):
        post.queued = False
    return merged


async def enqueue(session: AsyncSession, posts: Sequence[SocialPost]) -> None:
    """Put the posts in their accounts' queues (next free slots) and say so on their timelines."""
    await placement.enqueue(session, posts)
    for post in posts:
        when = post.scheduled_for.isoformat() if post.scheduled_for else None
        timeline.add(post, "queued", f"for {when}" if when else None)


async def after_change(session: AsyncSession, post: SocialPost, merged: PostCreate) -> None:
    """Once a change is applied: join the queue if asked, else a queued post of a paused queue stays held."""
    if merged.add_to_queue:
        await enqueue(session, [post])
    elif post.queued:
        await placement.keep_held(session, post)
