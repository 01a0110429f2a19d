"""Short units of work for the engine: load a claimed post, then save each step's changes under the lease.

No transaction stays open across a Graph call: the post is read in one short transaction (one query)
and kept in memory (detached) while the engine talks to Instagram; each step's changes are then
written by one conditional UPDATE that also checks and extends our lease, in one transaction per step
(on SQLite, the steps of posts in flight together share one: a group commit, `_grouped`):
a check that must see the database in the same transaction as the write (the look-alike check before
the intent to publish) runs inside it as the save's `guard`. On SQLite the write transaction starts
`BEGIN IMMEDIATE`, so it waits for the write lock (busy timeout) instead of failing to upgrade a read,
and a write recording the intent of an irreversible Graph call (`INTENTS`) is synced to disk before
the call is made (`unit_of_work(durable=True)`; a group holding one such write is synced as a whole).
"""

from __future__ import annotations

import asyncio
import copy
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from clipper.accounts.models import Account
from clipper.clips.models import Clip
from clipper.db import unit_of_work
from clipper.social import webhook_events
from clipper.social.models import PostStatus, SocialPost, SocialPostMedia

ACTIVE = (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.UNCONFIRMED)
_COLUMNS = tuple(
    attr.key for attr in inspect(SocialPost).column_attrs if attr.key not in ("id", "updated_at")
)
# Set just before a Graph call that cannot be taken back (`media_publish`, the first comment).
INTENTS = ("publish_sent_at", "first_comment_sent_at")
# Saves written by one SQLite transaction at most (`_grouped`).
MAX_GROUP = 200


_SQLITE_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _is_sqlite(factory: async_sessionmaker[AsyncSession]) -> bool:
    bind = factory.kw.get("bind")
    return bind is not None and bind.dialect.name == "sqlite"


@asynccontextmanager
async def one_writer(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """On SQLite, this process's engine writes one step at a time (PostgreSQL: no limit).

    SQLite has one write lock per database: dozens of posts in flight would otherwise all wait in
    `BEGIN IMMEDIATE` (threads polling the busy timeout) while the event loop is busy with their
    Graph calls; queueing here keeps the wait short and fair, and the lock free for the API.
    """
    if not _is_sqlite(factory):
        yield
        return
    loop = asyncio.get_running_loop()
    lock = _SQLITE_WRITERS.setdefault(loop, asyncio.Lock())
    async with lock:
        yield


@dataclass(frozen=True)
class Held:
    """A save its guard held back (nothing written): come back at `until`."""

    until: datetime


# Runs inside the save's transaction before its write: Held to write nothing, None to go on (it may
# change the post, and those changes are written too).
Guard = Callable[[AsyncSession], Awaitable[Held | None]]


@dataclass
class Claimed:
    """A claimed post held in memory between steps, with what its steps need from the database."""

    post: SocialPost
    account: Account
    cover: Clip | None
    saved: dict[str, Any]
    saved_media: dict[int, str | None]
    # The lease we hold in the database (None: an unleased post run directly); moves on at each save.
    lease: datetime | None


def _state(post: SocialPost) -> tuple[dict[str, Any], dict[int, str | None]]:
    # Only JSON values can change in place; the rest are immutable and kept as they are.
    columns = {key: _copied(getattr(post, key)) for key in _COLUMNS}
    return columns, {item.id: item.container_id for item in post.media}


def _copied(value: Any) -> Any:
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


async def load(
    factory: async_sessionmaker[AsyncSession], post_id: int, lease: datetime | None
) -> Claimed | None:
    """The post if it is still ours (same lease) and active, with its account and reel cover."""
    async with unit_of_work(factory, immediate=False) as session:
        found = (
            (
                await session.execute(
                    select(SocialPost, Account)
                    .join(Account, Account.id == SocialPost.account_id)
                    .options(
                        joinedload(SocialPost.clip),
                        joinedload(SocialPost.media).joinedload(SocialPostMedia.clip),
                    )
                    .where(SocialPost.id == post_id, SocialPost.status.in_(ACTIVE))
                    .where(owned_by(lease))
                )
            )
            .unique()
            .first()
        )
        if found is None:
            return None
        post, account = found
        cover_id = post.options.get("cover_clip_id")
        cover = await session.get(Clip, cover_id) if cover_id else None
    saved, saved_media = _state(post)
    return Claimed(post, account, cover, saved, saved_media, lease)


async def save(
    factory: async_sessionmaker[AsyncSession], claimed: Claimed, *, guard: Guard | None = None
) -> bool | Held:
    """Write what the step changed if we still hold `claimed.lease`: True when written, False when
    another worker took the post, Held when `guard` held the write back (nothing written).

    On SQLite the saves of posts in flight together are written by one transaction (`_grouped`)."""
    post = claimed.post
    durable = guard is not None or any(
        getattr(post, key) is not None and claimed.saved.get(key) is None for key in INTENTS
    )
    write = _Write(claimed, guard, durable, asyncio.get_running_loop().create_future())
    if _is_sqlite(factory):
        return await _grouped(factory, write)
    await _write_group(factory, [write])
    return write.done.result()


@dataclass(eq=False)
class _Write:
    """One post's save waiting for its group's commit (`done`: what `save` returns)."""

    claimed: Claimed
    guard: Guard | None
    durable: bool
    done: asyncio.Future[bool | Held]


# What one write did: held back, lost the lease (None), or wrote this state (columns, media).
_Outcome = Held | tuple[dict[str, Any], dict[int, str | None]] | None


class WriteAbandoned(RuntimeError):
    """The task writing a group was cancelled before its commit: this save was not written."""


# Saves queued for the SQLite writer, per event loop and session factory.
_PENDING: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[async_sessionmaker[AsyncSession], list[_Write]]
] = weakref.WeakKeyDictionary()


async def _grouped(factory: async_sessionmaker[AsyncSession], write: _Write) -> bool | Held:
    """Group commit: queue the write; whoever gets the writer next writes every queued one at once.

    While one transaction holds SQLite's write lock the next saves queue up; one BEGIN, one COMMIT
    (synced to disk when any of them records an intent) and one outbox lookup then serve them all.
    Each caller still returns only after the commit holding its write, so an intent is on disk before
    its Graph call is made, exactly as when written alone.
    """
    queue = _PENDING.setdefault(asyncio.get_running_loop(), {}).setdefault(factory, [])
    queue.append(write)
    try:
        async with one_writer(factory):
            while not write.done.done():
                group = queue[:MAX_GROUP]
                del queue[:MAX_GROUP]
                await _write_group(factory, group)
    except asyncio.CancelledError:
        if write in queue:
            queue.remove(write)  # never taken: nothing of it is written
        else:
            write.done.add_done_callback(_retrieve)
        raise
    return write.done.result()


def _retrieve(done: asyncio.Future[bool | Held]) -> None:
    """Mark a cancelled caller's outcome as seen (asyncio would log an exception nobody awaited)."""
    if not done.cancelled():
        done.exception()


async def _write_group(factory: async_sessionmaker[AsyncSession], group: list[_Write]) -> None:
    """Write `group` in one transaction, then settle each write; an error fails every write of it."""
    durable = any(write.durable for write in group)
    subscribers: webhook_events.Subscribers = {}
    try:
        async with unit_of_work(factory, durable=durable) as session:
            outcomes = [await _apply(session, write, subscribers) for write in group]
    except BaseException as error:
        failure = error if isinstance(error, Exception) else WriteAbandoned("the step was not saved")
        for write in group:
            if not write.done.done():
                write.done.set_exception(failure)
        if not isinstance(error, Exception):
            for write in group:
                _retrieve(write.done)  # the cancelled writer's own outcome is never awaited
            raise
        return
    for write, outcome in zip(group, outcomes, strict=True):
        write.done.set_result(_settle(write.claimed, outcome))


async def _apply(session: AsyncSession, write: _Write, subscribers: webhook_events.Subscribers) -> _Outcome:
    """One post's write inside the group's transaction: Held, None (lease lost), or the state written."""
    claimed, post = write.claimed, write.claimed.post
    if write.guard is not None and (held := await write.guard(session)) is not None:
        return held
    columns, media = _state(post)
    changed = {key: value for key, value in columns.items() if value != claimed.saved.get(key)}
    changed["lease_until"] = post.lease_until
    result = await session.execute(
        update(SocialPost)
        .where(SocialPost.id == post.id, owned_by(claimed.lease))
        .values(**changed)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    if "status" in changed:
        await webhook_events.record_status(session, post, subscribers)
    for item_id, container_id in media.items():
        if container_id != claimed.saved_media.get(item_id):
            await session.execute(
                update(SocialPostMedia)
                .where(SocialPostMedia.id == item_id)
                .values(container_id=container_id)
                .execution_options(synchronize_session=False)
            )
    return columns, media


def _settle(claimed: Claimed, outcome: _Outcome) -> bool | Held:
    """After the commit: remember what is now saved, and the lease we now hold."""
    if outcome is None or isinstance(outcome, Held):
        return outcome if outcome is not None else False
    claimed.saved, claimed.saved_media = outcome
    claimed.lease = claimed.post.lease_until
    return True


def owned_by(lease: datetime | None) -> ColumnElement[bool]:
    """The condition that a post row still holds `lease` (the lease protocol of every engine write)."""
    return SocialPost.lease_until == lease if lease is not None else SocialPost.lease_until.is_(None)
