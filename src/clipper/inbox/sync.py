"""Backfill: read an account's recent comments (with replies) and conversations from Instagram into the store.

Comments come with the media list in one call per page of media (field expansion
`comments.limit(50){…,replies{…}}`); media with more comments than the first page get their next pages
in batch requests (50 per HTTP call), never one call per media. Conversations come with their latest
messages in one call. Only the 20 latest messages of a thread are readable: older ones keep our text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.db import utcnow
from clipper.errors import ClipperError
from clipper.events.hub import EventHub
from clipper.inbox import moderation, notify, store
from clipper.inbox.access import (
    MANAGE_COMMENTS,
    MANAGE_MESSAGES,
    GraphAccess,
    client_for,
    graph_errors,
    page_id,
)
from clipper.inbox.models import InboxComment, InboxSyncState
from clipper.instagram import BatchRequest, InstagramGraphAPI
from clipper.instagram.engagement import COMMENT_WITH_REPLIES
from clipper.instagram.schemas import Comment, Conversation

log = structlog.get_logger(__name__)

COMMENTS_PAGE = 50
MEDIA_WITH_COMMENTS = f"id,comments.limit({COMMENTS_PAGE}){{{COMMENT_WITH_REPLIES}}}"
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


def _flatten(comments: Sequence[Comment], media_id: str) -> list[store.SeenComment]:
    seen = []
    for comment in comments:
        seen.append(seen_comment(comment, media_id))
        replies = comment.replies.data if comment.replies else []
        seen += [seen_comment(reply, media_id, parent_id=comment.id) for reply in replies]
    return seen


def _edge(raw: Any) -> tuple[list[Comment], str | None]:
    """Comments of an expanded or fetched `comments` edge, and the cursor of its next page."""
    raw = raw or {}
    comments = [Comment.model_validate(item) for item in raw.get("data", [])]
    paging = raw.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
    return comments, after


async def fetch_recent_comments(
    client: InstagramGraphAPI, ig_user_id: str, media_count: int
) -> dict[str, list[Comment]]:
    """Top-level comments (with replies) of the latest `media_count` media, keyed by media id."""
    media = await client.get_user_media(
        ig_user_id, fields=MEDIA_WITH_COMMENTS, limit=min(media_count, 100), max_items=media_count
    )
    found: dict[str, list[Comment]] = {}
    pending: dict[str, str] = {}
    for item in media:
        found[item.id], after = _edge(item.get("comments"))
        if after:
            pending[item.id] = after
    while pending:
        requests = [
            BatchRequest(
                f"{media_id}/comments?fields={COMMENT_WITH_REPLIES}&limit={COMMENTS_PAGE}&after={after}"
            )
            for media_id, after in pending.items()
        ]
        answers = await client.batch(requests)
        next_pending: dict[str, str] = {}
        for media_id, answer in zip(list(pending), answers, strict=True):
            more, after = _edge(answer.result())
            found[media_id] += more
            if after:
                next_pending[media_id] = after
        pending = next_pending
    return found


async def _sync_state(session: AsyncSession, account_id: int) -> InboxSyncState:
    state = await session.get(InboxSyncState, account_id)
    if state is None:
        state = InboxSyncState(account_id=account_id)
        session.add(state)
    return state


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
    """Save one media's comments, moderate the new ones, and mark the ones Instagram no longer has deleted."""
    seen = _flatten(comments, media_id)
    known = await store.media_comments(session, account.id, media_id)
    for item in seen:
        row, created = await store.save_comment(session, account=account, seen=item, known=known)
        report.comments += 1
        if created:
            report.new_comments += 1
            report.moderated += bool(
                await moderation.apply_rules(session, account=account, comment=row, access=access)
            )
            await notify.comment_created(hub, user_id=account.user_id, comment=row)
    await session.execute(
        update(InboxComment)
        .where(
            InboxComment.account_id == account.id,
            InboxComment.media_id == media_id,
            InboxComment.platform_comment_id.not_in([item.platform_id for item in seen] or [""]),
        )
        .values(deleted=True)
        .execution_options(synchronize_session="fetch")
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
        found = await fetch_recent_comments(client, account.platform_account_id, media_count)
    for media_id, comments in found.items():
        report.media += 1
        await store_media_comments(
            session,
            account=account,
            media_id=media_id,
            comments=comments,
            access=access,
            hub=hub,
            report=report,
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
) -> SyncReport:
    """Backfill one account's comments and conversations; a part that fails is recorded, not raised."""
    report = SyncReport()
    account = await session.get(Account, account_id)
    if account is None or not account.is_active:
        return report
    for part in (sync_comments, sync_conversations):
        kwargs: dict[str, Any] = {"media_count": media_count} if part is sync_comments else {}
        try:
            done = await part(session, account=account, access=access, hub=hub, **kwargs)
        except ClipperError as exc:
            report.errors.append(exc.message)
            log.warning("inbox sync failed", account_id=account_id, part=part.__name__, error=exc.message)
            continue
        for name in ("media", "comments", "new_comments", "conversations", "new_messages", "moderated"):
            setattr(report, name, getattr(report, name) + getattr(done, name))
    (await _sync_state(session, account_id)).last_error = "; ".join(report.errors) or None
    await session.flush()
    return report
