"""The posting queue's front door: read it, set its weekly slots, suggestions, reorder, pause, resume."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.db import unit_of_work, utcnow
from clipper.errors import InvalidInput
from clipper.insights import service as insights
from clipper.insights.audience import WEEKDAYS
from clipper.queue import placement, slots
from clipper.queue.models import AccountQueue, QueueSlot
from clipper.queue.schemas import QueuedPost, QueueRead, SlotRead, SlotsUpdate, SuggestedSlot, SuggestionsRead
from clipper.resources import Resources
from clipper.users.models import User

# How many upcoming free slots a queue shows.
PREVIEW = 5


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


async def _open(
    session: AsyncSession, user: User, account_id: int, *, writing: bool = True
) -> tuple[Account, AccountQueue]:
    account = await placement.lock_account(session, user_id=user.id, account_id=account_id, lock=writing)
    queue = await placement.settings_of(session, account, create=writing)
    if writing:
        await session.flush()
    return account, queue


async def _view(session: AsyncSession, account: Account, queue: AccountQueue) -> QueueRead:
    weekly = await placement.slots_of(session, account.id)
    posts = await placement.waiting(session, account)
    after = max([utcnow(), *(post.scheduled_for for post in posts if post.scheduled_for)])
    taken = {post.scheduled_for for post in posts if post.scheduled_for}
    return QueueRead(
        account_id=account.id,
        timezone=queue.timezone,
        paused=queue.paused,
        slots=[SlotRead(weekday=weekday, time=_clock(minute)) for weekday, minute in weekly],
        posts=[
            QueuedPost(
                id=post.id,
                status=post.status,
                media_type=post.media_type,
                title=post.title,
                caption=post.caption,
                clip_id=post.clip_id,
                scheduled_for=post.scheduled_for,
                held=post.next_attempt_at is None,
            )
            for post in posts
        ],
        next_slots=slots.free(weekly, slots.zone(queue.timezone), after, taken, PREVIEW),
    )


async def get_queue(session: AsyncSession, *, user: User, account_id: int) -> QueueRead:
    """The account's queue: settings, weekly slots, queued posts in order, the next free slots."""
    return await _view(session, *await _open(session, user, account_id, writing=False))


async def set_slots(session: AsyncSession, *, user: User, account_id: int, data: SlotsUpdate) -> QueueRead:
    """Replace the weekly slots and time zone; queued posts keep their times."""
    account, queue = await _open(session, user, account_id)
    if data.timezone is not None:
        try:
            slots.zone(data.timezone)
        except slots.UnknownZone as error:
            raise InvalidInput(str(error)) from None
        queue.timezone = data.timezone
    await session.execute(delete(QueueSlot).where(QueueSlot.account_id == account_id))
    minutes = sorted({(slot.weekday, slot.minute) for slot in data.slots})
    session.add_all(QueueSlot(account_id=account_id, weekday=day, minute=minute) for day, minute in minutes)
    await session.flush()
    return await _view(session, account, queue)


async def reorder(
    session: AsyncSession, *, user: User, account_id: int, post_ids: Sequence[int]
) -> QueueRead:
    """Put the queued posts in this order; the slot times stay and follow the order."""
    account, queue = await _open(session, user, account_id)
    await placement.reorder(session, account, queue, post_ids)
    await session.flush()
    return await _view(session, account, queue)


async def pause(session: AsyncSession, *, user: User, account_id: int) -> QueueRead:
    """Hold the account's queued posts (not published) until resumed."""
    account, queue = await _open(session, user, account_id)
    queue.paused = True
    await session.flush()
    await placement.hold(session, account)
    return await _view(session, account, queue)


async def resume(session: AsyncSession, *, user: User, account_id: int) -> QueueRead:
    """Publish the queued posts again; those whose slot passed move to the next free slots."""
    account, queue = await _open(session, user, account_id)
    queue.paused = False
    await placement.release(session, account, queue)
    await session.flush()
    return await _view(session, account, queue)


async def suggestions(*, user: User, account_id: int, resources: Resources, per_day: int) -> SuggestionsRead:
    """The best `per_day` hours of each weekday (best-times data), in the queue's time zone."""
    async with unit_of_work(resources.session_factory, immediate=False) as session:
        timezone = (await _open(session, user, account_id, writing=False))[1].timezone
    services = insights.Services.of(resources)
    best = await insights.get_best_times(
        user=user, account_id=account_id, services=services, timezone=timezone
    )
    found = [
        SuggestedSlot(weekday=WEEKDAYS.index(day.weekday), time=_clock(hour.hour * 60), score=hour.score)
        for day in best.recommendations
        for hour in day.hours[:per_day]
    ]
    return SuggestionsRead(account_id=account_id, timezone=timezone, slots=found)
