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
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph, graph_errors_outside, messaging_node
from clipper.accounts.models import Account
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, PermissionMissing, TooManyRequests
from clipper.events.hub import EventHub
from clipper.inbox import media as media_details
from clipper.inbox import moderation, notify, store
from clipper.inbox.models import (
    InboxComment,
    InboxConversation,
    InboxMessage,
    InboxSyncState,
    ModerationRule,
)
from clipper.instagram import BatchRequest, InstagramGraphAPI
from clipper.instagram.engagement import COMMENT_FIELDS
from clipper.instagram.schemas import Comment, Conversation
from clipper.oauth.permissions import MANAGE_COMMENTS, MANAGE_MESSAGES

log = structlog.get_logger(__name__)

COMMENTS_PAGE = 50
# Meta expands 25 replies unless told otherwise; 50 is the most one page of the edge gives.
REPLIES_PAGE = 50
COMMENT_WITH_REPLIES = f"{COMMENT_FIELDS},replies.limit({REPLIES_PAGE}){{{COMMENT_FIELDS}}}"
MEDIA_WITH_COMMENTS = (
    f"id,{media_details.DETAIL_FIELDS},comments.limit({COMMENTS_PAGE}){{{COMMENT_WITH_REPLIES}}}"
)
MESSAGE_FIELDS = "id,created_time,from,to,message,attachments"
# The most recently active threads; older ones were stored by earlier syncs and webhooks.
MAX_CONVERSATIONS = 100
CONVERSATION_WITH_MESSAGES = f"id,updated_time,unread_count,participants,messages{{{MESSAGE_FIELDS}}}"
# What one short unit of work writes: the comments of this many media, or this many threads.
MEDIA_PER_WRITE = 10
CONVERSATIONS_PER_WRITE = 20
# The longest an account waits after failures in a row (the wait doubles with each).
MAX_BACKOFF = timedelta(hours=24)
# A claim that finds its account just taken by a pass that committed meanwhile tries the next one.
CLAIM_TRIES = 3


@dataclass
class SyncReport:
    """What one backfill did."""

    media: int = 0
    comments: int = 0
    new_comments: int = 0
    conversations: int = 0
    new_messages: int = 0
    moderated: int = 0
    errors: list[str] = field(default_factory=list)
    # Not serialised: how the attempt went, for the schedule.
    failed: bool = field(default=False, repr=False)
    rate_limited: bool = field(default=False, repr=False)
    retry_after: int | None = field(default=None, repr=False)

    def add(self, other: SyncReport) -> None:
        """Add the counts of a part's report to this one."""
        for name in ("media", "comments", "new_comments", "conversations", "new_messages", "moderated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def counts(self) -> dict[str, object]:
        """What the API shows of it."""
        return {
            "media": self.media,
            "comments": self.comments,
            "new_comments": self.new_comments,
            "conversations": self.conversations,
            "new_messages": self.new_messages,
            "moderated": self.moderated,
            "errors": self.errors,
        }


def seen_comment(comment: Comment, media_id: str, parent_id: str | None = None) -> store.SeenComment:
    """Our view of a Graph comment."""
    author = comment.from_
    return store.SeenComment(
        platform_id=comment.id,
        media_id=media_id,
        text=comment.text or "",
        parent_id=comment.parent_id or parent_id,
        author_id=author.id if author else None,
        author_username=comment.username or (author.username if author else None),
        commented_at=comment.timestamp,
        hidden=comment.hidden,
    )


def _flatten(
    comments: Sequence[Comment], media_id: str, details: store.MediaDetails | None
) -> list[store.SeenComment]:
    seen = []
    for comment in comments:
        seen.append(seen_comment(comment, media_id))
        replies = comment.replies.data if comment.replies else []
        seen += [seen_comment(reply, media_id, parent_id=comment.id) for reply in replies]
    for item in seen:
        item.media = details
    return seen


def _edge(raw: Any) -> tuple[list[Comment], str | None]:
    """Comments of an expanded or fetched `comments` edge, and the cursor of its next page."""
    raw = raw or {}
    comments = [Comment.model_validate(item) for item in raw.get("data", [])]
    paging = raw.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
    return comments, after


async def next_pages(
    client: InstagramGraphAPI, pending: dict[str, str], edge: str, fields: str, limit: int
) -> dict[str, list[Comment]]:
    """The rest of many nodes' `edge` (node id → `after` cursor), one batch call per 50 pages at a time."""
    found: dict[str, list[Comment]] = {node_id: [] for node_id in pending}
    while pending:
        requests = [
            BatchRequest(f"{node_id}/{edge}?fields={fields}&limit={limit}&after={after}")
            for node_id, after in pending.items()
        ]
        answers = await client.batch(requests)
        next_pending: dict[str, str] = {}
        for node_id, answer in zip(list(pending), answers, strict=True):
            more, after = _edge(answer.result())
            found[node_id] += more
            if after:
                next_pending[node_id] = after
        pending = next_pending
    return found


async def complete_replies(client: InstagramGraphAPI, comments: Sequence[Comment]) -> None:
    """Fetch the replies beyond the expanded first page of each comment (only where there are more)."""
    pending: dict[str, str] = {}
    by_id: dict[str, Comment] = {}
    for comment in comments:
        paging = comment.replies.paging if comment.replies else None
        after = paging.cursors.after if paging and paging.next and paging.cursors else None
        if after:
            pending[comment.id], by_id[comment.id] = after, comment
    more = await next_pages(client, pending, "replies", COMMENT_FIELDS, REPLIES_PAGE)
    for comment_id, replies in more.items():
        edge = by_id[comment_id].replies
        assert edge is not None
        edge.data += replies


async def fetch_recent_comments(
    client: InstagramGraphAPI, ig_user_id: str, media_count: int
) -> tuple[dict[str, list[Comment]], dict[str, store.MediaDetails]]:
    """Top-level comments (with all their replies) of the latest `media_count` media, keyed by media id;
    and those media's details (read in the same calls)."""
    media = await client.get_user_media(
        ig_user_id, fields=MEDIA_WITH_COMMENTS, limit=min(media_count, 100), max_items=media_count
    )
    found: dict[str, list[Comment]] = {}
    details = {item.id: media_details.details_of(item) for item in media}
    pending: dict[str, str] = {}
    for item in media:
        found[item.id], after = _edge(item.get("comments"))
        if after:
            pending[item.id] = after
    for media_id, more in (
        await next_pages(client, pending, "comments", COMMENT_WITH_REPLIES, COMMENTS_PAGE)
    ).items():
        found[media_id] += more
    await complete_replies(client, [comment for comments in found.values() for comment in comments])
    return found, details


async def _sync_state(session: AsyncSession, account_id: int) -> InboxSyncState:
    state = await session.get(InboxSyncState, account_id)
    if state is None:
        state = InboxSyncState(account_id=account_id, consecutive_failures=0)
        session.add(state)
    return state


async def save_found(
    session: AsyncSession,
    *,
    account: Account,
    found: Mapping[str, Sequence[Comment]],
    report: SyncReport,
    media: Mapping[str, store.MediaDetails] | None = None,
) -> list[InboxComment]:
    """Save many media's comments, mark the ones Instagram no longer has deleted; → the new ones.

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
        for item in _flatten(comments, media_id, details.get(media_id))
    ]
    rows, created = await store.save_comments(session, account=account, seen=seen, known=known)
    still_there = {row.platform_comment_id for row in rows}
    gone = [row for key, row in known.items() if key not in still_there and not row.deleted]
    await store.set_in_bulk(session, gone, deleted=True)
    report.comments += len(rows)
    report.new_comments += len(created)
    await session.flush()
    return created


async def store_comments(
    session: AsyncSession,
    *,
    account: Account,
    found: Mapping[str, Sequence[Comment]],
    access: AccountGraph,
    hub: EventHub | None,
    report: SyncReport,
    media: Mapping[str, store.MediaDetails] | None = None,
) -> None:
    """`save_found` inside the caller's unit of work, with the rules run on the new comments at once."""
    created = await save_found(session, account=account, found=found, report=report, media=media)
    rules = await moderation.rules_of(session, account_id=account.id) if created else []
    for row in created:
        report.moderated += bool(
            await moderation.apply_rules(session, account=account, comment=row, access=access, rules=rules)
        )
        await notify.comment_created(hub, user_id=account.user_id, comment=row)
    await session.flush()


async def store_media_comments(
    session: AsyncSession,
    *,
    account: Account,
    media_id: str,
    comments: Sequence[Comment],
    access: AccountGraph,
    hub: EventHub | None,
    report: SyncReport,
) -> None:
    """`store_comments` for one media."""
    await store_comments(
        session, account=account, found={media_id: comments}, access=access, hub=hub, report=report
    )


def _batches(items: Mapping[str, list[Comment]], size: int) -> list[dict[str, list[Comment]]]:
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
    created: list[InboxComment] = []
    rules: Sequence[ModerationRule] = []
    for batch in _batches(found, MEDIA_PER_WRITE):
        async with unit_of_work(factory) as session:
            row = await session.get_one(Account, account.id)
            created += await save_found(session, account=row, found=batch, report=report, media=media)
    async with unit_of_work(factory) as session:
        if created:
            rules = await moderation.rules_of(session, account_id=account.id)
        (await _sync_state(session, account.id)).comments_synced_at = utcnow()
    report.moderated += await moderation.moderate_stored(
        factory, account=account, comments=created, rules=rules, access=access
    )
    for comment in created:
        await notify.comment_created(hub, user_id=account.user_id, comment=comment)
    return report


def _participant(conversation: Conversation, account: Account) -> tuple[str, str | None] | None:
    people = conversation.participants.data if conversation.participants else []
    other = next((p for p in people if p.id != account.platform_account_id), None)
    return (other.id, other.username) if other else None


def seen_messages(
    conversation: Conversation, account: Account, participant: tuple[str, str | None]
) -> list[store.SeenMessage]:
    """Our view of a Graph conversation's expanded messages (unreadable ones have no text)."""
    seen = []
    for message in conversation.messages.data if conversation.messages else []:
        if message.created_time is None:
            continue
        sender = message.from_
        readable = sender is not None
        attachments = (message.get("attachments") or {}).get("data", []) if readable else []
        seen.append(
            store.SeenMessage(
                platform_id=message.id,
                participant_id=participant[0],
                participant_username=participant[1],
                from_account=bool(sender and sender.id == account.platform_account_id),
                sent_at=message.created_time,
                text=message.message if readable else None,
                attachments=list(attachments),
            )
        )
    return seen


NewMessage = tuple[InboxConversation, InboxMessage]


async def store_conversations(
    session: AsyncSession, *, account: Account, conversations: Sequence[Conversation], report: SyncReport
) -> list[NewMessage]:
    """Save threads and their readable messages; → the new messages from the other person."""
    arrived: list[NewMessage] = []
    for conversation in conversations:
        participant = _participant(conversation, account)
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
    for start in range(0, len(conversations), CONVERSATIONS_PER_WRITE):
        async with unit_of_work(factory) as session:
            row = await session.get_one(Account, account.id)
            batch = conversations[start : start + CONVERSATIONS_PER_WRITE]
            arrived += await store_conversations(session, account=row, conversations=batch, report=report)
    async with unit_of_work(factory) as session:
        (await _sync_state(session, account.id)).conversations_synced_at = utcnow()
    for conversation, message in arrived:
        await notify.message_created(hub, user_id=account.user_id, conversation=conversation, message=message)
    return report


def next_attempt(now: datetime, *, interval_seconds: int, failures: int, retry_after: int | None) -> datetime:
    """When to sync again: after the interval, doubled for each failure in a row (at most a day);
    never before a rate limit's Retry-After."""
    delay = timedelta(seconds=interval_seconds * 2 ** min(failures, 16))
    delay = min(delay, max(MAX_BACKOFF, timedelta(seconds=interval_seconds)))
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay


async def record_attempt(
    factory: async_sessionmaker[AsyncSession], *, account_id: int, report: SyncReport, interval_seconds: int
) -> None:
    """Note the attempt, how it went, and schedule the next one (backing off after failures)."""
    async with unit_of_work(factory) as session:
        if await session.get(Account, account_id) is None:
            return
        state = await _sync_state(session, account_id)
        now = utcnow()
        state.attempted_at = now
        state.consecutive_failures = (state.consecutive_failures or 0) + 1 if report.failed else 0
        state.next_sync_at = next_attempt(
            now,
            interval_seconds=interval_seconds,
            failures=state.consecutive_failures,
            retry_after=report.retry_after,
        )
        state.last_error = "; ".join(report.errors) or None


def due_query(now: datetime, limit: int) -> Select[int]:
    """Active accounts whose next sync time has come, never-tried ones first, then the longest waiting."""
    return (
        select(Account.id)
        .outerjoin(InboxSyncState, InboxSyncState.account_id == Account.id)
        .where(Account.is_active, Account.platform == "instagram")
        .where(or_(InboxSyncState.next_sync_at.is_(None), InboxSyncState.next_sync_at <= now))
        .order_by(InboxSyncState.next_sync_at.is_not(None), InboxSyncState.next_sync_at, Account.id)
        .limit(limit)
    )


async def due_accounts(session: AsyncSession, *, limit: int, now: datetime | None = None) -> Sequence[int]:
    """The ids of the accounts due for a sync, in the order they should run."""
    return (await session.scalars(due_query(now or utcnow(), limit))).all()


async def claim(session: AsyncSession, *, lease_seconds: int) -> int | None:
    """In the caller's transaction: the next due account, its next time pushed back by `lease_seconds`.

    On PostgreSQL the account row is locked, skipping those another pass is claiming. Its sync state is
    read only once the lock is held: a pass that claimed it and committed after our first read has then
    pushed it back, and the next due account is tried instead. (SQLite's BEGIN IMMEDIATE serialises.)
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    for _ in range(CLAIM_TRIES):
        now = utcnow()
        query = due_query(now, 1)
        if postgres:
            query = query.with_for_update(skip_locked=True, of=Account)
        account_id = (await session.scalars(query)).first()
        if account_id is None:
            return None
        state = await _sync_state(session, account_id)
        if state.next_sync_at is not None and state.next_sync_at > now:
            continue
        state.next_sync_at = now + timedelta(seconds=lease_seconds)
        await session.flush()
        return account_id
    return None


async def claim_next(factory: async_sessionmaker[AsyncSession], *, lease_seconds: int) -> int | None:
    """The next due account, its next time pushed back by `lease_seconds` so no other pass takes it."""
    async with unit_of_work(factory) as session:
        return await claim(session, lease_seconds=lease_seconds)


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
    refused: accounts.TokenRefused | None = None
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
            if isinstance(exc, accounts.TokenRefused):
                refused = exc
                break
    await record_attempt(factory, account_id=account_id, report=report, interval_seconds=interval_seconds)
    if refused is not None and raise_refused:
        raise refused
    return report


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
