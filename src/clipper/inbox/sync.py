"""Backfill: read an account's recent comments (with replies) and conversations from Instagram into the store.

Comments come with the media list in one call per page of media (field expansion
`comments.limit(50){…,replies.limit(50){…}}`); media with more comments than the first page, and then
comments with more replies than theirs, get their next pages in batch requests (50 per HTTP call), never
one call per media or per comment, and none at all when every edge fit in its first page.
Conversations come with their latest messages in one call. Only the 20 latest messages of a thread
are readable: older ones keep our text.

Meta is read before anything is written, outside any transaction, and what was read is then written in
short units of work (a few media or threads each): on SQLite a transaction that held the write lock
across Graph calls would make every API request that writes wait, then fail with "database is locked".
Rules act on new comments after they are committed, again with Meta called outside a transaction.

The periodic pass records every attempt and schedules the next one (`InboxSyncState.next_sync_at`):
later after each failure in a row, so a failing account waits instead of running first every minute.
Parts whose permission was not granted are skipped without calling Meta; a rate limit ends the pass.
What is read from Meta is in `inbox.fetch`; when an account is due, in `inbox.schedule`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph, graph_errors_outside, messaging_node
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_COMMENTS, MANAGE_MESSAGES
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, PermissionMissing, TokenRevoked, TooManyRequests
from clipper.events.hub import EventHub
from clipper.inbox import moderation, notify, store, webhook_events
from clipper.inbox.fetch import (
    CONVERSATION_WITH_MESSAGES,
    MAX_CONVERSATIONS,
    fetch_recent_comments,
    flatten,
    participant_of,
    seen_messages,
)
from clipper.inbox.models import (
    InboxComment,
    InboxConversation,
    InboxMessage,
    InboxSyncState,
    ModerationRule,
)
from clipper.inbox.schedule import SyncReport, claim_next, record_attempt, sync_state
from clipper.instagram.schemas import Comment, Conversation
from clipper.users.models import User

log = structlog.get_logger(__name__)

# What one short unit of work writes: the comments of this many media, or this many threads.
MEDIA_PER_WRITE = 10
CONVERSATIONS_PER_WRITE = 20


async def save_found(
    session: AsyncSession,
    *,
    account: Account,
    found: Mapping[str, Sequence[Comment]],
    report: SyncReport,
    media: Mapping[str, store.MediaDetails] | None = None,
    news: bool = True,
) -> list[InboxComment]:
    """Save many media's comments, mark the ones Instagram no longer has deleted; → the new ones.

    `news`: record them for the outgoing webhooks (not for an account's first backfill: its history).

    A few statements for the whole batch (one read of what is stored, multi-row INSERTs, UPDATEs sent
    as one executemany at the flush), never a few per comment. Media details not given are copied from a
    stored comment of the same media.
    """
    known = await store.comments_of_media(session, account.id, list(found))
    details = {row.media_id: d for row in known.values() if (d := store.media_details_of(row))}
    details |= media or {}
    seen = [
        item
        for media_id, comments in found.items()
        for item in flatten(comments, media_id, details.get(media_id))
    ]
    rows, created = await store.save_comments(session, account=account, seen=seen, known=known)
    still_there = {row.platform_comment_id for row in rows}
    gone = [row for key, row in known.items() if key not in still_there and not row.deleted]
    await store.set_in_bulk(session, gone, deleted=True)
    report.comments += len(rows)
    report.new_comments += len(created)
    if news:
        await webhook_events.comments_created(session, user_id=account.user_id, comments=created)
    await session.flush()
    return created


def _batches(items: Mapping[str, Sequence[Comment]], size: int) -> list[dict[str, Sequence[Comment]]]:
    keys = list(items)
    return [{key: items[key] for key in keys[start : start + size]} for start in range(0, len(keys), size)]


async def sync_comments(
    factory: async_sessionmaker[AsyncSession],
    *,
    account: Account,
    access: AccountGraph,
    media_count: int,
    hub: EventHub | None = None,
) -> SyncReport:
    """Backfill the comments of the latest media: read them all, then write a few media at a time."""
    report = SyncReport()
    client = access.client(account, MANAGE_COMMENTS)
    async with graph_errors_outside(factory, account, permission=MANAGE_COMMENTS, hub=hub):
        found, media = await fetch_recent_comments(client, account.platform_account_id, media_count)
    report.media = len(found)
    news = await _synced_before(factory, account.id, InboxSyncState.comments_synced_at)
    await store_found(
        factory, account=account, found=found, access=access, hub=hub, report=report, media=media, news=news
    )
    async with unit_of_work(factory) as session:
        (await sync_state(session, account.id)).comments_synced_at = utcnow()
    return report


async def store_found(
    factory: async_sessionmaker[AsyncSession],
    *,
    account: Account,
    found: Mapping[str, Sequence[Comment]],
    access: AccountGraph,
    hub: EventHub | None,
    report: SyncReport,
    media: Mapping[str, store.MediaDetails] | None = None,
    news: bool = True,
) -> None:
    """Save comments read from Meta a few media at a time, run the rules on the new ones with no
    transaction open, then announce them (to the outgoing webhooks too when they are `news`)."""
    created: list[InboxComment] = []
    for batch in _batches(found, MEDIA_PER_WRITE):
        async with unit_of_work(factory) as session:
            row = await session.get_one(Account, account.id)
            created += await save_found(
                session, account=row, found=batch, report=report, media=media, news=news
            )
    rules: Sequence[ModerationRule] = []
    if created:
        async with unit_of_work(factory, immediate=False) as session:
            rules = await moderation.rules_of(session, account_id=account.id)
    report.moderated += await moderation.moderate_stored(
        factory, account=account, comments=created, rules=rules, access=access
    )
    for comment in created:
        await notify.comment_created(hub, user_id=account.user_id, comment=comment)


NewMessage = tuple[InboxConversation, InboxMessage]


async def store_conversations(
    session: AsyncSession,
    *,
    account: Account,
    conversations: Sequence[Conversation],
    report: SyncReport,
    news: bool = True,
) -> list[NewMessage]:
    """Save threads and their readable messages; → the new messages from the other person (recorded
    for the outgoing webhooks when they are `news`: not on the account's first backfill)."""
    arrived: list[NewMessage] = []
    for conversation in conversations:
        participant = participant_of(conversation, account)
        if participant is None:
            continue
        report.conversations += 1
        for seen in sorted(seen_messages(conversation, account, participant), key=lambda m: m.sent_at):
            message, created = await store.save_message(
                session, account=account, seen=seen, count_unread=False
            )
            report.new_messages += created
            if created and not seen.from_account:
                row = await store.conversation_with(session, account=account, participant_id=participant[0])
                arrived.append((row, message))
        row = await store.conversation_with(session, account=account, participant_id=participant[0])
        row.platform_conversation_id = conversation.id
        row.unread_count = conversation.unread_count or 0
    if news:
        await webhook_events.messages_created(session, user_id=account.user_id, arrived=arrived)
    await session.flush()
    return arrived


async def sync_conversations(
    factory: async_sessionmaker[AsyncSession],
    *,
    account: Account,
    access: AccountGraph,
    hub: EventHub | None = None,
) -> SyncReport:
    """Backfill the account's conversations with their latest messages (one call per page of threads)."""
    report = SyncReport()
    client = access.client(account, MANAGE_MESSAGES)
    async with graph_errors_outside(factory, account, permission=MANAGE_MESSAGES, hub=hub):
        conversations = await client.get_conversations(
            messaging_node(account), fields=CONVERSATION_WITH_MESSAGES, max_items=MAX_CONVERSATIONS
        )
    arrived: list[NewMessage] = []
    news = await _synced_before(factory, account.id, InboxSyncState.conversations_synced_at)
    for start in range(0, len(conversations), CONVERSATIONS_PER_WRITE):
        async with unit_of_work(factory) as session:
            row = await session.get_one(Account, account.id)
            batch = conversations[start : start + CONVERSATIONS_PER_WRITE]
            arrived += await store_conversations(
                session, account=row, conversations=batch, report=report, news=news
            )
    async with unit_of_work(factory) as session:
        (await sync_state(session, account.id)).conversations_synced_at = utcnow()
    for conversation, message in arrived:
        await notify.message_created(hub, user_id=account.user_id, conversation=conversation, message=message)
    return report


async def _synced_before(
    factory: async_sessionmaker[AsyncSession], account_id: int, column: InstrumentedAttribute[datetime | None]
) -> bool:
    """True once the account's part was synced: what the first sync finds is history (already there
    when the account was connected), not news for the outgoing webhooks."""
    async with factory() as session:  # a read: no unit of work (it would take SQLite's write lock)
        synced = await session.scalar(select(column).where(InboxSyncState.account_id == account_id))
    return synced is not None


Part = Callable[..., Awaitable[SyncReport]]


def _parts(media_count: int) -> list[tuple[str, Part, dict[str, object]]]:
    return [
        (MANAGE_COMMENTS, sync_comments, {"media_count": media_count}),
        (MANAGE_MESSAGES, sync_conversations, {}),
    ]


async def _load(factory: async_sessionmaker[AsyncSession], account_id: int) -> Account | None:
    async with unit_of_work(factory, immediate=False) as session:
        return await session.get(Account, account_id)


async def sync_account(
    factory: async_sessionmaker[AsyncSession],
    *,
    account_id: int,
    access: AccountGraph,
    media_count: int,
    interval_seconds: int,
    hub: EventHub | None = None,
    raise_refused: bool = False,
) -> SyncReport:
    """Backfill one account's comments and conversations, then record the attempt and schedule the next.

    A part that fails is recorded, not raised; a part whose permission was not granted is skipped
    (reported, not a failure). A rate limit or a refused token stops the sync; `raise_refused` raises
    the refusal (already recorded on the account) for a caller that answers 409.
    """
    report = SyncReport()
    account = await _load(factory, account_id)
    if account is None or not account.is_active:
        if account is not None and raise_refused:
            accounts.require_active(account)
        return report
    refused: TokenRevoked | None = None
    for permission, part, options in _parts(media_count):
        try:
            accounts.require_permission(account, permission)
            report.add(await part(factory, account=account, access=access, hub=hub, **options))
        except PermissionMissing as exc:
            report.errors.append(exc.message)
        except ClipperError as exc:
            report.errors.append(exc.message)
            report.failed = True
            log.warning("inbox sync failed", account_id=account_id, part=part.__name__, error=exc.message)
            if isinstance(exc, TooManyRequests):
                report.rate_limited, report.retry_after = True, exc.retry_after
                break
            if isinstance(exc, TokenRevoked):
                refused = exc
                break
    await record_attempt(factory, account_id=account_id, report=report, interval_seconds=interval_seconds)
    if refused is not None and raise_refused:
        raise refused
    return report


async def sync_now(
    access: AccountGraph, *, user: User, account_id: int, media_count: int, interval_seconds: int
) -> SyncReport:
    """Backfill one of the user's accounts now (see `sync_account`); a refused token is a 409."""
    async with unit_of_work(access.factory, immediate=False) as session:
        await accounts.get_account(session, user=user, account_id=account_id)
    return await sync_account(
        access.factory,
        account_id=account_id,
        access=access,
        media_count=media_count,
        interval_seconds=interval_seconds,
        hub=access.hub,
        raise_refused=True,
    )


@dataclass
class PassReport:
    """What one periodic pass did."""

    accounts: list[int] = field(default_factory=list)
    stopped_by_rate_limit: bool = False


async def sync_due_accounts(
    factory: async_sessionmaker[AsyncSession],
    *,
    access: AccountGraph,
    media_count: int,
    interval_seconds: int,
    per_pass: int,
    hub: EventHub | None = None,
) -> PassReport:
    """Sync up to `per_pass` due accounts one after the other; a rate limit ends the pass."""
    done = PassReport()
    for _ in range(per_pass):
        account_id = await claim_next(factory, lease_seconds=interval_seconds)
        if account_id is None:
            break
        report = await sync_account(
            factory,
            account_id=account_id,
            access=access,
            media_count=media_count,
            interval_seconds=interval_seconds,
            hub=hub,
        )
        done.accounts.append(account_id)
        if report.rate_limited:
            done.stopped_by_rate_limit = True
            log.warning("inbox sync paused by a rate limit", account_id=account_id)
            break
    return done
