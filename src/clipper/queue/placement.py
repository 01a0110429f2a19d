"""Where queued posts go: the next free slots of their account, taken under the account's lock.

Every change to an account's queue first locks the account's row (`FOR UPDATE` on PostgreSQL; SQLite
writers already hold the database's write lock from BEGIN IMMEDIATE), so two adds at once read the
slots one after the other and never take the same one. A slot is free when no post of the account
sits at it (scheduled, publishing, unconfirmed or published there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.db import utcnow
from clipper.errors import Conflict, NotFound
from clipper.queue import slots
from clipper.queue.models import AccountQueue, QueueSlot
from clipper.social.models import PostStatus, SocialPost

SITTING = (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.UNCONFIRMED, PostStatus.PUBLISHED)
# The most posts one queue shows and moves at once.
MAX_QUEUED = 500


class QueueFull(Conflict):
    """The account has no slot (or no free one within the horizon) for the post."""


async def lock_account(session: AsyncSession, *, user_id: int, account_id: int, lock: bool = True) -> Account:
    """The user's account, its row locked until the unit of work ends (NotFound when not theirs)."""
    query = select(Account).where(Account.id == account_id, Account.user_id == user_id)
    account = await session.scalar(query.with_for_update() if lock else query)
    if account is None:
        raise NotFound(f"Account {account_id} was not found.")
    return account


async def settings_of(session: AsyncSession, account: Account, *, create: bool = True) -> AccountQueue:
    """The account's queue settings (UTC and running when never set: a new row, unless only reading)."""
    found = await session.get(AccountQueue, account.id)
    if found is None:
        found = AccountQueue(account_id=account.id, user_id=account.user_id, timezone="UTC", paused=False)
        if create:
            session.add(found)
    return found


async def slots_of(session: AsyncSession, account_id: int) -> list[slots.Slot]:
    """The account's weekly slots, in week order."""
    rows = await session.execute(
        select(QueueSlot.weekday, QueueSlot.minute)
        .where(QueueSlot.account_id == account_id)
        .order_by(QueueSlot.weekday, QueueSlot.minute)
    )
    return [(weekday, minute) for weekday, minute in rows]


def waiting_filter(account: Account) -> list[ColumnElement[bool]]:
    """A queued post of the account's owner the queue still moves: scheduled, its publishing not started."""
    return [
        SocialPost.user_id == account.user_id,
        SocialPost.account_id == account.id,
        SocialPost.queued.is_(True),
        SocialPost.status == PostStatus.SCHEDULED,
        SocialPost.publish_started_at.is_(None),
        SocialPost.removed_at.is_(None),
    ]


async def waiting(session: AsyncSession, account: Account) -> list[SocialPost]:
    """The account's queued posts in queue order (by time, then id)."""
    found = await session.scalars(
        select(SocialPost)
        .where(*waiting_filter(account))
        .order_by(SocialPost.scheduled_for, SocialPost.id)
        .limit(MAX_QUEUED)
        # A bulk `hold` may have changed rows this session already holds.
        .execution_options(populate_existing=True)
    )
    return list(found)


async def _taken(session: AsyncSession, account: Account, after: datetime) -> set[datetime]:
    found = await session.scalars(
        select(SocialPost.scheduled_for).where(
            SocialPost.user_id == account.user_id,
            SocialPost.account_id == account.id,
            SocialPost.status.in_(SITTING),
            SocialPost.scheduled_for > after,
            SocialPost.removed_at.is_(None),
        )
    )
    return {moment for moment in found if moment is not None}


async def _free(
    session: AsyncSession, account: Account, queue: AccountQueue, after: datetime, count: int
) -> list[datetime]:
    weekly = await slots_of(session, account.id)
    if not weekly:
        raise QueueFull(f"Account {account.id} has no queue time slots: add some on its Queue page first.")
    taken = await _taken(session, account, after)
    found = slots.free(weekly, slots.zone(queue.timezone), after, taken, count)
    if len(found) < count:
        raise QueueFull(f"Account {account.id}'s queue has no free slot in the next two years.")
    return found


def _place(post: SocialPost, moment: datetime, *, paused: bool) -> None:
    post.queued = True
    post.status = PostStatus.SCHEDULED
    post.scheduled_for = moment
    # Held while the queue is paused: a post without `next_attempt_at` is never due for the sweep.
    post.next_attempt_at = None if paused else moment


async def enqueue(session: AsyncSession, posts: Sequence[SocialPost]) -> None:
    """Give each post the next free slot of its account, after now and after every queued post."""
    by_account: dict[int, list[SocialPost]] = {}
    for post in posts:
        assert post.account_id is not None
        by_account.setdefault(post.account_id, []).append(post)
    for account_id, group in by_account.items():
        account = await lock_account(session, user_id=group[0].user_id, account_id=account_id)
        queue = await settings_of(session, account)
        mine = {post.id for post in group if post.id is not None}
        queued = [post for post in await waiting(session, account) if post.id not in mine]
        if len(queued) + len(group) > MAX_QUEUED:
            raise QueueFull(f"Account {account_id}'s queue holds {MAX_QUEUED} posts at most.")
        after = max([utcnow(), *(post.scheduled_for for post in queued if post.scheduled_for)])
        for post, moment in zip(group, await _free(session, account, queue, after, len(group)), strict=True):
            _place(post, moment, paused=queue.paused)


async def keep_held(session: AsyncSession, post: SocialPost) -> None:
    """After an edit: a queued post of a paused queue stays held."""
    if post.queued and post.account_id is not None:
        queue = await session.get(AccountQueue, post.account_id)
        if queue is not None and queue.paused:
            post.next_attempt_at = None


async def hold(session: AsyncSession, account: Account) -> None:
    """Make the account's queued posts not due (one statement; a post a worker holds goes on)."""
    now = utcnow()
    await session.execute(
        update(SocialPost)
        .where(*waiting_filter(account), or_(SocialPost.lease_until.is_(None), SocialPost.lease_until < now))
        .values(next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )


async def release(session: AsyncSession, account: Account, queue: AccountQueue) -> None:
    """Make the queued posts due again; those whose slot passed take the next free slots, in order."""
    now = utcnow()
    posts = await waiting(session, account)
    passed = [post for post in posts if post.scheduled_for is None or post.scheduled_for <= now]
    for post in posts:
        if post not in passed:
            post.next_attempt_at = post.scheduled_for
    if passed:
        for post, moment in zip(passed, await _free(session, account, queue, now, len(passed)), strict=True):
            _place(post, moment, paused=False)


async def reorder(
    session: AsyncSession, account: Account, queue: AccountQueue, post_ids: Sequence[int]
) -> None:
    """Put the queued posts in the given order: the same times, handed out in that order."""
    posts = await waiting(session, account)
    if sorted(post.id for post in posts) != sorted(post_ids):
        raise Conflict(
            "post_ids must list exactly the account's queued posts, each once: "
            f"the queue holds {[post.id for post in posts]}."
        )
    times = sorted(post.scheduled_for for post in posts if post.scheduled_for is not None)
    by_id = {post.id: post for post in posts}
    for post_id, moment in zip(post_ids, times, strict=True):
        _place(by_id[post_id], moment, paused=queue.paused)


def swap(first: SocialPost, second: SocialPost, *, paused: bool) -> None:
    """Exchange two waiting posts' places: each takes the other's time and queue membership.

    A queued post sits at one of the queue's slots, so the slot's time and membership travel together
    (the queue stays made of slot times); a queued post of a paused queue stays held, as `reorder` does.
    """
    places = [(first.scheduled_for, first.queued), (second.scheduled_for, second.queued)]
    for post, (moment, queued) in zip((first, second), reversed(places), strict=True):
        assert moment is not None
        if queued:
            _place(post, moment, paused=paused)
        else:
            post.queued = False
            post.scheduled_for = moment
            post.next_attempt_at = moment
