"""Backfill: read an account's recent comments (with replies) and conversations from Instagram into the store.

Comments come with the media list in one call per page of media (field expansion
`comments.limit(50){…,replies.limit(50){…}}`); media with more comments than the first page, and then
comments with more replies than theirs, get their next pages in batch requests (50 per HTTP call), never
one call per media or per comment, and none at all when every edge fit in its first page.
Conversations come with their latest messages in one call. Only the 20 latest messages of a thread
are readable: older ones keep our text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.db import utcnow
from clipper.errors import ClipperError
from clipper.events.hub import EventHub
from clipper.inbox import media as media_details
from clipper.inbox import moderation, notify, store
from clipper.inbox.access import (
    MANAGE_COMMENTS,
    MANAGE_MESSAGES,
    GraphAccess,
    client_for,
    graph_errors,
    page_id,
)
from clipper.inbox.models import InboxSyncState
from clipper.instagram import BatchRequest, InstagramGraphAPI
from clipper.instagram.engagement import COMMENT_FIELDS
from clipper.instagram.schemas import Comment, Conversation

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
        state = InboxSyncState(account_id=account_id)
        session.add(state)
    return state


async def store_comments(
    session: AsyncSession,
    *,
    account: Account,
    found: Mapping[str, Sequence[Comment]],
    access: GraphAccess,
    hub: EventHub | None,
    report: SyncReport,
    media: Mapping[str, store.MediaDetails] | None = None,
) -> None:
    """Save many media's comments, moderate the new ones, mark the ones Instagram no longer has deleted.

    A few statements for the whole batch (one read of what is stored, multi-row INSERTs, one read of the
    rules, UPDATEs sent as one executemany at the flush), never a few per comment. Media details not
    given are copied from a stored comment of the same media.
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
    access: GraphAccess,
    hub: EventHub | None,
    report: SyncReport,
) -> None:
    """`store_comments` for one media."""
    await store_comments(
        session, account=account, found={media_id: comments}, access=access, hub=hub, report=report
    )


async def sync_comments(
    session: AsyncSession,
    *,
    account: Account,
    access: GraphAccess,
    media_count: int,
    hub: EventHub | None = None,
) -> SyncReport:
    """Backfill the comments of the account's latest media."""
    report = SyncReport()
    client = client_for(account, MANAGE_COMMENTS, access=access)
    async with graph_errors(session, account, permission=MANAGE_COMMENTS):
        found, media = await fetch_recent_comments(client, account.platform_account_id, media_count)
    report.media = len(found)
    await store_comments(
        session, account=account, found=found, access=access, hub=hub, report=report, media=media
    )
    (await _sync_state(session, account.id)).comments_synced_at = utcnow()
    await session.flush()
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


async def sync_conversations(
    session: AsyncSession, *, account: Account, access: GraphAccess, hub: EventHub | None = None
) -> SyncReport:
    """Backfill the account's conversations with their latest messages (one call per page of threads)."""
    report = SyncReport()
    client = client_for(account, MANAGE_MESSAGES, access=access)
    async with graph_errors(session, account, permission=MANAGE_MESSAGES):
        conversations = await client.get_conversations(
            page_id(account), fields=CONVERSATION_WITH_MESSAGES, max_items=MAX_CONVERSATIONS
        )
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
                await notify.message_created(hub, user_id=account.user_id, conversation=row, message=message)
        row = await store.conversation_with(session, account=account, participant_id=participant[0])
        row.platform_conversation_id = conversation.id
        row.unread_count = conversation.unread_count or 0
    (await _sync_state(session, account.id)).conversations_synced_at = utcnow()
    await session.flush()
    return report


async def due_accounts(session: AsyncSession, *, interval_seconds: int, limit: int) -> Sequence[int]:
    """Active accounts whose last backfill is older than the interval, least recently synced first."""
    cutoff = utcnow() - timedelta(seconds=interval_seconds)
    query = (
        select(Account.id)
        .outerjoin(InboxSyncState, InboxSyncState.account_id == Account.id)
        .where(Account.is_active, Account.platform == "instagram")
        .where(or_(InboxSyncState.comments_synced_at.is_(None), InboxSyncState.comments_synced_at < cutoff))
        .order_by(
            InboxSyncState.comments_synced_at.is_not(None), InboxSyncState.comments_synced_at, Account.id
        )
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def sync_account(
    session: AsyncSession,
    *,
    account_id: int,
    access: GraphAccess,
    media_count: int,
    hub: EventHub | None = None,
    raise_refused: bool = False,
) -> SyncReport:
    """Backfill one account's comments and conversations; a part that fails is recorded, not raised.

    A token Meta refused stops the sync (the account is marked in this unit of work, which commits);
    `raise_refused` raises it instead, for a caller that answers 409.
    """
    report = SyncReport()
    account = await session.get(Account, account_id)
    if account is None or not account.is_active:
        if account is not None and raise_refused:
            accounts.require_active(account)
        return report
    for part in (sync_comments, sync_conversations):
        kwargs: dict[str, Any] = {"media_count": media_count} if part is sync_comments else {}
        try:
            done = await part(session, account=account, access=access, hub=hub, **kwargs)
        except ClipperError as exc:
            report.errors.append(exc.message)
            log.warning("inbox sync failed", account_id=account_id, part=part.__name__, error=exc.message)
            if isinstance(exc, accounts.TokenRefused):
                if raise_refused:
                    raise
                break
            continue
        for name in ("media", "comments", "new_comments", "conversations", "new_messages", "moderated"):
            setattr(report, name, getattr(report, name) + getattr(done, name))
    (await _sync_state(session, account_id)).last_error = "; ".join(report.errors) or None
    await session.flush()
    return report
