"""Posts: create (validated up front, one per account, or in bulk), list, read, change, delete, publish.

`publish_post` and `_publish_to_instagram` (the seed's names) drive the publishing engine: see
`clipper.social.engine` for the state machine and how it stays exactly-once across crashes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.clips.models import Clip
from clipper.db import utcnow
from clipper.errors import Conflict
from clipper.social import bulk, queueing, timeline, validation
from clipper.social.engine import Engine
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.social.reading import get_post as get_post  # the router reads through this front door
from clipper.social.reading import list_posts as list_posts
from clipper.social.schemas import (
    ComposerLimits,
    PostCreate,
    PostFields,
    PostOptions,
    PostUpdate,
    RowProblem,
)
from clipper.social.validation import Draft, PostInvalid, Reason, reasons_for
from clipper.users.models import User

EDITABLE = (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED)
IN_FLIGHT = (PostStatus.PUBLISHING, PostStatus.UNCONFIRMED)


async def _owned_clips(session: AsyncSession, *, user: User, ids: Sequence[int]) -> dict[int, Clip]:
    if not ids:
        return {}
    found = await session.scalars(select(Clip).where(Clip.user_id == user.id, Clip.id.in_(set(ids))))
    return {clip.id: clip for clip in found}


async def _owned_accounts(session: AsyncSession, *, user: User, ids: Sequence[int]) -> dict[int, Account]:
    if not ids:
        return {}
    found = await session.scalars(select(Account).where(Account.user_id == user.id, Account.id.in_(set(ids))))
    return {account.id: account for account in found}


def _clip_ids(fields: PostFields, media_type: MediaType) -> list[int]:
    if media_type is MediaType.CAROUSEL:
        return list(fields.clip_ids or ([] if fields.clip_id is None else [fields.clip_id]))
    return [fields.clip_id] if fields.clip_id is not None else list(fields.clip_ids or [])


async def build_drafts(session: AsyncSession, *, user: User, data: PostCreate) -> list[Draft]:
    """The drafts `data` asks for, one per account, each with every reason it is not publishable."""
    options = data.options or PostOptions()
    clip_ids = _clip_ids(data, data.media_type)
    wanted = [*clip_ids, *([options.cover_clip_id] if options.cover_clip_id else [])]
    clips = await _owned_clips(session, user=user, ids=wanted)
    account_ids = data.accounts()
    accounts = await _owned_accounts(session, user=user, ids=account_ids)
    drafts = []
    targets: list[int | None] = [*account_ids] if account_ids else [None]
    for account_id in targets:
        draft = Draft(
            media_type=data.media_type,
            caption=data.caption,
            hashtags=data.hashtags or [],
            options=options,
            clips=[clips.get(clip_id) for clip_id in clip_ids],
            clip_ids=clip_ids,
            account=accounts.get(account_id) if account_id is not None else None,
            account_id=account_id,
            scheduled_for=data.scheduled_for,
            cover=clips.get(options.cover_clip_id) if options.cover_clip_id else None,
            account_field="account_ids" if data.account_ids else "account_id",
        )
        draft.reasons = (
            reasons_for(draft) if account_id is not None else [Reason("account_id is required", "account_id")]
        )
        if data.publish_now and data.scheduled_for is not None:
            draft.reasons.append(Reason("give either scheduled_for or publish_now, not both", "publish_now"))
        draft.reasons += queueing.reasons(data)
        drafts.append(draft)
    return drafts


def _new_post(user: User, data: PostCreate, draft: Draft) -> SocialPost:
    assert draft.account is not None
    scheduled = data.scheduled_for is not None
    post = SocialPost(
        user_id=user.id,
        account_id=draft.account.id,
        platform=data.platform,
        media_type=data.media_type,
        clip_id=draft.clip_ids[0] if data.media_type is not MediaType.CAROUSEL and draft.clip_ids else None,
        title=data.title,
        caption=data.caption,
        hashtags=json.dumps(draft.hashtags),
        options=draft.options.given(),
        scheduled_for=data.scheduled_for,
        next_attempt_at=data.scheduled_for,
        status=PostStatus.SCHEDULED if scheduled else PostStatus.DRAFT,
        attempts=0,
        timeline=[],
    )
    timeline.add(post, "scheduled" if scheduled else "created", _when(data.scheduled_for))
    if data.media_type is MediaType.CAROUSEL:
        post.media = [SocialPostMedia(clip_id=cid, position=i) for i, cid in enumerate(draft.clip_ids)]
    else:
        post.media = []
    return post


def _when(moment: datetime | None) -> str | None:
    return f"for {moment.isoformat()}" if moment else None


async def create_posts(session: AsyncSession, *, user: User, data: PostCreate) -> list[SocialPost]:
    """Validate, then create one post per account (PostInvalid lists every reason, nothing is created).

    With `publish_now`, each new post is queued for publishing as `request_publish` queues one, in the
    same unit of work: the posts and their publish request are committed together or not at all.
    """
    drafts = await build_drafts(session, user=user, data=data)
    reasons = list(dict.fromkeys(reason for draft in drafts for reason in draft.reasons))
    if reasons:
        raise PostInvalid(reasons)
    posts = [_new_post(user, data, draft) for draft in drafts]
    if data.publish_now:
        for post in posts:
            _queue_now(post)
    if data.add_to_queue:
        await queueing.enqueue(session, posts)
    session.add_all(posts)
    await session.flush()
    return posts


async def create_bulk(session: AsyncSession, *, user: User, upload: Request) -> list[SocialPost]:
    """Create the posts of a bulk upload (JSON array or CSV), all or none: BulkInvalid names each bad row."""
    rows = await bulk.read_rows(upload)
    parsed: list[PostCreate] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=1):
        try:
            data = PostCreate.model_validate(row)
        except ValidationError as error:
            problems.append(RowProblem(row=number, reasons=bulk.schema_reasons(error)))
            continue
        drafts = await build_drafts(session, user=user, data=data)
        reasons = list(dict.fromkeys(reason for draft in drafts for reason in draft.reasons))
        if reasons:
            problems.append(RowProblem(row=number, reasons=reasons))
        parsed.append(data)
    if problems:
        raise bulk.BulkInvalid(problems)
    posts: list[SocialPost] = []
    for data in parsed:
        posts += await create_posts(session, user=user, data=data)
    return posts


def composer_limits() -> ComposerLimits:
    """The limits a post is checked against, for a form's counters (its reasons stay the verdict)."""
    low, high = validation.CAROUSEL_SIZE
    return ComposerLimits(
        caption_characters=validation.MAX_CAPTION,
        hashtags=validation.MAX_HASHTAGS,
        mentions=validation.MAX_MENTIONS,
        collaborators=validation.MAX_COLLABORATORS,
        alt_text_characters=validation.MAX_ALT_TEXT,
        carousel_min=low,
        carousel_max=high,
        schedule_grace_seconds=int(validation.SCHEDULE_GRACE.total_seconds()),
    )


async def update_post(session: AsyncSession, *, user: User, post_id: int, data: PostUpdate) -> SocialPost:
    """Change a draft, scheduled or failed post (validated as a whole); Conflict otherwise."""
    post = await get_post(session, user=user, post_id=post_id, lock=True)
    if post.status not in EDITABLE:
        raise Conflict(
            f"Post {post_id} is {post.status.value}: only draft, scheduled or failed posts can change."
        )
    if post.may_be_published:
        raise Conflict(
            f"Post {post_id} may already be on Instagram (its publish was sent): it cannot change until "
            "that is confirmed. Use Publish to check it again."
        )
    merged = queueing.prepared(post, data, _merged(post, data))
    drafts = await build_drafts(session, user=user, data=merged)
    if drafts[0].reasons:
        raise PostInvalid(drafts[0].reasons)
    _apply(post, merged, drafts[0])
    timeline.add(post, "edited")
    await queueing.after_change(session, post, merged)
    await session.flush()
    return post


def _merged(post: SocialPost, data: PostUpdate) -> PostCreate:
    given = data.model_dump(exclude_unset=True)
    current: dict[str, Any] = {
        "account_id": post.account_id,
        "media_type": post.media_type,
        "title": post.title,
        "caption": post.caption,
        "hashtags": json.loads(post.hashtags) if post.hashtags else [],
        "scheduled_for": post.scheduled_for,
        "options": post.options or {},
        "clip_id": post.clip_id if post.media_type is not MediaType.CAROUSEL else None,
        "clip_ids": post.clip_ids if post.media_type is MediaType.CAROUSEL else None,
    }
    if "clip_ids" in given or "clip_id" in given:
        current["clip_id"], current["clip_ids"] = None, None
    return PostCreate.model_validate(current | given)


def _apply(post: SocialPost, data: PostCreate, draft: Draft) -> None:
    post.media_type = data.media_type
    post.title, post.caption = data.title, data.caption
    post.hashtags = json.dumps(draft.hashtags)
    post.options = draft.options.given()
    post.clip_id = draft.clip_ids[0] if data.media_type is not MediaType.CAROUSEL and draft.clip_ids else None
    if data.media_type is MediaType.CAROUSEL and [m.clip_id for m in post.media] != draft.clip_ids:
        post.media = [SocialPostMedia(clip_id=cid, position=i) for i, cid in enumerate(draft.clip_ids)]
    elif data.media_type is not MediaType.CAROUSEL:
        post.media = []
    post.scheduled_for = data.scheduled_for
    _reset(post)
    post.status = PostStatus.SCHEDULED if data.scheduled_for else PostStatus.DRAFT
    post.next_attempt_at = data.scheduled_for


def _reset(post: SocialPost) -> None:
    """Forget a previous attempt, but never a container that may have been published.

    When the publish may have landed, the containers and `publish_sent_at` stay: the next run reads
    that container first (PUBLISHED → its media is recovered) instead of creating and publishing anew.
    """
    if not post.may_be_published:
        post.container_id = None
        for item in post.media:
            item.container_id = None
        post.publish_sent_at = None
    post.attempts = 0
    post.error_message = None
    post.last_error_code = None
    post.lease_until = None


async def delete_post(session: AsyncSession, *, user: User, post_id: int) -> None:
    """Delete a post; a published one only leaves our list (Instagram has no delete); Conflict in flight."""
    post = await get_post(session, user=user, post_id=post_id, lock=True)
    if post.status in IN_FLIGHT:
        raise Conflict(f"Post {post_id} is being published right now: wait for it to finish, then delete it.")
    if post.status is PostStatus.PUBLISHED:
        post.removed_at = utcnow()
        timeline.add(post, "removed", "removed from Content Clipper; it stays on Instagram")
        await session.flush()
        return
    await session.delete(post)
    await session.flush()


async def request_publish(session: AsyncSession, *, user: User, post_id: int) -> SocialPost:
    """Publish now (a draft or scheduled post) or retry a failed one: the sweep picks it up at once."""
    post = await get_post(session, user=user, post_id=post_id, lock=True)
    if post.status not in EDITABLE:
        raise Conflict(f"Post {post_id} is {post.status.value}: it cannot be published again.")
    drafts = await build_drafts(
        session, user=user, data=_merged(post, PostUpdate()).model_copy(update={"scheduled_for": None})
    )
    if drafts[0].reasons:
        raise PostInvalid(drafts[0].reasons)
    if post.status is PostStatus.FAILED:
        _reset(post)
    _queue_now(post)
    await session.flush()
    return post


def _queue_now(post: SocialPost) -> None:
    """Make a valid post due now: the next sweep claims it."""
    post.status = PostStatus.SCHEDULED
    post.queued = False
    post.next_attempt_at = utcnow()
    post.error_message = None
    post.publish_requested_at = post.next_attempt_at
    post.fetch_failures = 0
    timeline.add(post, "publish_requested")


async def check_now(session: AsyncSession, *, user: User, post_id: int) -> SocialPost:
    """Check an unconfirmed post with Instagram now instead of at its next scheduled check."""
    post = await get_post(session, user=user, post_id=post_id, lock=True)
    if post.status is not PostStatus.UNCONFIRMED:
        raise Conflict(
            f"Post {post_id} is {post.status.value}: only a post waiting for Instagram's confirmation "
            "can be checked now."
        )
    post.next_attempt_at = utcnow()
    timeline.add(post, "check_requested")
    await session.flush()
    return post


async def publish_post(engine: Engine, *, post_id: int, lease_until: datetime | None) -> None:
    """Drive one claimed post through the publishing state machine as far as it can go now."""
    await engine.run(post_id=post_id, lease_until=lease_until)


async def _publish_to_instagram(engine: Engine, *, post_id: int, lease_until: datetime | None) -> None:
    """Instagram-specific publishing: containers, processing, quota, media_publish, permalink, comment."""
    await engine.run(post_id=post_id, lease_until=lease_until)
