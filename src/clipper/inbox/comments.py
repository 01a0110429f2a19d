"""Comments: the unified inbox, a media's thread, reply, hide, delete, bulk moderation, comments on/off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_COMMENTS
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, Conflict, InvalidInput, NotFound
from clipper.graph_errors import domain_error
from clipper.inbox import fetch, schedule, store, sync
from clipper.inbox.models import InboxComment
from clipper.inbox.pagination import encode_cursor, older_than
from clipper.instagram import BatchRequest, InstagramGraphAPIError, InvalidTokenError
from clipper.users.models import User


class InboxStatus(StrEnum):
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    HIDDEN = "hidden"


class BulkAction(StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    MARK_ANSWERED = "mark_answered"


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's optional filters."""

    account_id: int | None = None
    media_id: str | None = None
    status: InboxStatus | None = None
    search: str | None = None


@dataclass
class BulkResult:
    """What happened to one id of a bulk request."""

    id: int
    ok: bool
    error: str | None = None


def _page(rows: Sequence[InboxComment], limit: int) -> tuple[list[InboxComment], str | None]:
    items = list(rows[:limit])
    more = len(rows) > limit
    return items, encode_cursor(items[-1].commented_at, items[-1].id) if more and items else None


def _status_clause(status: InboxStatus) -> object:
    # "unanswered" is the work still to do: a hidden comment (by a rule or by hand) was dealt with, and
    # Instagram refuses replies to it anyway; `status=hidden` lists those.
    if status is InboxStatus.HIDDEN:
        return InboxComment.hidden
    if status is InboxStatus.ANSWERED:
        return InboxComment.answered
    return and_(~InboxComment.answered, ~InboxComment.hidden)


def _inbox_query(user: User, filters: InboxFilter) -> Select[InboxComment]:
    query = (
        select(InboxComment)
        .join(Account, Account.id == InboxComment.account_id)
        .where(Account.user_id == user.id, ~InboxComment.deleted, ~InboxComment.from_account)
    )
    if filters.account_id is not None:
        query = query.where(InboxComment.account_id == filters.account_id)
    if filters.media_id:
        query = query.where(InboxComment.media_id == filters.media_id)
    if filters.status is not None:
        query = query.where(_status_clause(filters.status))  # type: ignore[arg-type]
    if filters.search:
        needle = filters.search.strip().lower()
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(InboxComment.text.ilike(f"%{escaped}%", escape="\\"))
    return query


async def list_inbox(
    session: AsyncSession, *, user: User, filters: InboxFilter, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Comments from others across the user's accounts, newest first, each as CommentRead's fields.

    Read as rows, not objects: loading a page as objects and reading them back attribute by attribute
    cost more than the rest of the request.
    """
    query = _inbox_query(user, filters).with_only_columns(*_LISTED, maintain_column_froms=True)
    after = older_than(cursor, InboxComment.commented_at, InboxComment.id)
    if after is not None:
        query = query.where(after)
    query = query.order_by(InboxComment.commented_at.desc(), InboxComment.id.desc()).limit(limit + 1)
    rows = (await session.execute(query)).all()
    items = [row._asdict() for row in rows[:limit]]
    more = len(rows) > limit
    return items, encode_cursor(items[-1]["commented_at"], items[-1]["id"]) if more and items else None


# The columns a listed comment shows: CommentRead's, which are all but the row's own bookkeeping.
_LISTED = [column for column in InboxComment.__table__.c if column.key not in {"created_at", "updated_at"}]


async def get_comment(session: AsyncSession, *, user: User, comment_id: int) -> tuple[InboxComment, Account]:
    """One of the user's stored comments with its account; NotFound for anyone else's."""
    found = (
        await session.execute(
            select(InboxComment, Account)
            .join(Account, Account.id == InboxComment.account_id)
            .where(InboxComment.id == comment_id, Account.user_id == user.id)
        )
    ).first()
    if found is None or found[0].deleted:
        raise NotFound(f"No comment with id {comment_id}.")
    return found[0], found[1]


async def media_thread(
    access: AccountGraph,
    *,
    user: User,
    account_id: int,
    media_id: str,
    limit: int,
    cursor: str | None,
) -> tuple[list[InboxComment], dict[str, list[InboxComment]], str | None]:
    """Refresh a media's comments from Instagram, then its top-level comments (newest first) and replies.

    Reads, asks Meta with no transaction open, then stores what it answered in a short unit of work.
    """
    async with unit_of_work(access.factory, immediate=False) as session:
        account = await accounts.get_account(session, user=user, account_id=account_id)
    access.client(account, MANAGE_COMMENTS)  # 409 first, on every page, for a disconnected account
    if not cursor:
        async with access.calling(account, MANAGE_COMMENTS) as client:
            comments = await client.get_media_comments(media_id, fields=fetch.COMMENT_WITH_REPLIES)
            await fetch.complete_replies(client, comments)
        await sync.store_found(
            access.factory,
            account=account,
            found={media_id: comments},
            access=access,
            hub=access.hub,
            report=schedule.SyncReport(),
        )
    async with unit_of_work(access.factory, immediate=False) as session:
        return await _thread(session, account=account, media_id=media_id, limit=limit, cursor=cursor)


async def _thread(
    session: AsyncSession, *, account: Account, media_id: str, limit: int, cursor: str | None
) -> tuple[list[InboxComment], dict[str, list[InboxComment]], str | None]:
    base = select(InboxComment).where(
        InboxComment.account_id == account.id, InboxComment.media_id == media_id, ~InboxComment.deleted
    )
    top = base.where(InboxComment.parent_platform_id.is_(None))
    after = older_than(cursor, InboxComment.commented_at, InboxComment.id)
    if after is not None:
        top = top.where(after)
    rows = (
        await session.scalars(
            top.order_by(InboxComment.commented_at.desc(), InboxComment.id.desc()).limit(limit + 1)
        )
    ).all()
    items, next_cursor = _page(rows, limit)
    ids = [item.platform_comment_id for item in items]
    replies: dict[str, list[InboxComment]] = {platform_id: [] for platform_id in ids}
    query = base.where(InboxComment.parent_platform_id.in_(ids)).order_by(
        InboxComment.commented_at, InboxComment.id
    )
    for reply in (await session.scalars(query)).all():
        replies[reply.parent_platform_id or ""].append(reply)
    return items, replies, next_cursor


async def reply(access: AccountGraph, *, user: User, comment_id: int, message: str) -> InboxComment:
    """Reply publicly on Instagram; the comment becomes answered and the reply is stored."""
    async with unit_of_work(access.factory, immediate=False) as session:
        comment, account = await get_comment(session, user=user, comment_id=comment_id)
    if comment.hidden:
        raise Conflict("Instagram does not allow replies to hidden comments: unhide it first.")
    thread_id = comment.parent_platform_id or comment.platform_comment_id
    async with access.calling(account, MANAGE_COMMENTS) as client:
        reply_id = await client.reply_to_comment(thread_id, message)
    seen = store.SeenComment(
        platform_id=reply_id,
        media_id=comment.media_id,
        text=message,
        parent_id=thread_id,
        author_id=account.platform_account_id,
        author_username=account.account_username,
        commented_at=utcnow(),
    )
    async with unit_of_work(access.factory) as session:
        comment, account = await get_comment(session, user=user, comment_id=comment_id)
        stored, _created = await store.save_comment(session, account=account, seen=seen)
        stored.from_account = True
        comment.answered = True
        await session.flush()
    return stored


async def hide(access: AccountGraph, *, user: User, comment_id: int, hidden: bool) -> InboxComment:
    """Hide or unhide a comment on Instagram."""
    async with unit_of_work(access.factory, immediate=False) as session:
        comment, account = await get_comment(session, user=user, comment_id=comment_id)
    if comment.from_account:
        raise Conflict("The account's own comments always stay visible on Instagram.")
    async with access.calling(account, MANAGE_COMMENTS) as client:
        await client.hide_comment(comment.platform_comment_id, hidden)
    async with unit_of_work(access.factory) as session:
        comment, _account = await get_comment(session, user=user, comment_id=comment_id)
        comment.hidden = hidden
        await session.flush()
    return comment


async def delete(access: AccountGraph, *, user: User, comment_id: int) -> None:
    """Delete a comment on Instagram (the media owner may delete anyone's)."""
    async with unit_of_work(access.factory, immediate=False) as session:
        comment, account = await get_comment(session, user=user, comment_id=comment_id)
    async with access.calling(account, MANAGE_COMMENTS) as client:
        await client.delete_comment(comment.platform_comment_id)
    async with unit_of_work(access.factory) as session:
        comment, _account = await get_comment(session, user=user, comment_id=comment_id)
        comment.deleted = True


def _request(comment: InboxComment, action: BulkAction) -> BatchRequest:
    if action is BulkAction.DELETE:
        return BatchRequest(comment.platform_comment_id, method="DELETE")
    return BatchRequest(comment.platform_comment_id, method="POST", body={"hide": action is BulkAction.HIDE})


def _apply(comment: InboxComment, action: BulkAction) -> None:
    if action is BulkAction.DELETE:
        comment.deleted = True
    elif action is BulkAction.MARK_ANSWERED:
        comment.answered = True
    else:
        comment.hidden = action is BulkAction.HIDE


async def _bulk_on_account(
    account: Account, comments: list[InboxComment], action: BulkAction, access: AccountGraph
) -> list[BulkResult]:
    """One batch call per 50 comments of one account, with no transaction open; each comment gets its
    own outcome (a refused token is recorded on the account in a unit of work of its own)."""
    try:
        client = access.client(account, MANAGE_COMMENTS)
        answers = await client.batch([_request(comment, action) for comment in comments])
    except ClipperError as exc:
        return [BulkResult(c.id, False, exc.message) for c in comments]
    except InvalidTokenError as exc:
        message = (await access.refused(account, exc)).message
        return [BulkResult(c.id, False, message) for c in comments]
    except InstagramGraphAPIError as exc:
        message = domain_error(exc, permission=MANAGE_COMMENTS).message
        return [BulkResult(c.id, False, message) for c in comments]
    results, recorded = [], False
    for comment, answer in zip(comments, answers, strict=True):
        if isinstance(answer.error, InvalidTokenError) and not recorded:
            await access.refused(account, answer.error)
            recorded = True
        if answer.error is not None:
            results.append(BulkResult(comment.id, False, answer.error.user_message))
            continue
        results.append(BulkResult(comment.id, True))
    return results


async def _found(
    access: AccountGraph, user: User, ids: Sequence[int]
) -> dict[int, tuple[InboxComment, Account]]:
    async with unit_of_work(access.factory, immediate=False) as session:
        found: dict[int, tuple[InboxComment, Account]] = {}
        for comment_id in dict.fromkeys(ids):
            try:
                found[comment_id] = await get_comment(session, user=user, comment_id=comment_id)
            except NotFound:
                continue
    return found


async def _apply_done(access: AccountGraph, done: Sequence[int], action: BulkAction) -> None:
    async with unit_of_work(access.factory) as session:
        for comment in await session.scalars(select(InboxComment).where(InboxComment.id.in_(done))):
            _apply(comment, action)


async def bulk(
    access: AccountGraph, *, user: User, ids: Sequence[int], action: BulkAction
) -> list[BulkResult]:
    """Apply one action to many comments; reports per id (unknown ids are reported, not fatal).

    Reads, asks Meta (one batch per account) with no transaction open, then writes what succeeded.
    """
    if not ids:
        raise InvalidInput("Give at least one comment id.")
    found = await _found(access, user, ids)
    results = {i: BulkResult(i, False, f"No comment with id {i}.") for i in ids if i not in found}
    by_account: dict[int, tuple[Account, list[InboxComment]]] = {}
    for comment, account in found.values():
        by_account.setdefault(account.id, (account, []))[1].append(comment)
    for account, comments in by_account.values():
        if action is BulkAction.MARK_ANSWERED:
            outcome = [BulkResult(c.id, True) for c in comments]
        else:
            outcome = await _bulk_on_account(account, comments, action, access)
        results.update({item.id: item for item in outcome})
    await _apply_done(access, [item.id for item in results.values() if item.ok], action)
    return [results[i] for i in dict.fromkeys(ids)]


async def set_comments_enabled(
    access: AccountGraph, *, user: User, account_id: int, media_id: str, enabled: bool
) -> None:
    """Turn comments on or off for one of the account's media."""
    async with unit_of_work(access.factory, immediate=False) as session:
        account = await accounts.get_account(session, user=user, account_id=account_id)
    async with access.calling(account, MANAGE_COMMENTS) as client:
        await client.set_comment_enabled(media_id, enabled)
