"""Inbox API: comments (inbox, threads, moderation, rules) and direct messages, scoped to the caller."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from clipper.deps import (
    AccountGraphDep,
    CurrentUser,
    SessionDep,
    SettingsDep,
    UserOutsideTransaction,
    WritesOnRead,
)
from clipper.inbox import service
from clipper.inbox.models import InboxConversation
from clipper.inbox.schemas import (
    BulkItem,
    BulkRequest,
    BulkResponse,
    CommentRead,
    CommentSettings,
    CommentSettingsRead,
    CommentThread,
    ConversationRead,
    HideRequest,
    MentionRead,
    MessageCreate,
    MessageRead,
    ModerationActionRead,
    Page,
    Participant,
    PrivateReplyCreate,
    ReplyCreate,
    RuleCreate,
    RuleRead,
    RuleUpdate,
    SyncRead,
)
from clipper.inputs import DbId, GraphId, id_cursor

router = APIRouter(prefix="/instagram", tags=["inbox"])

Limit = Annotated[int, Query(ge=1, le=service.MAX_LIMIT)]


@router.get("/comments", response_model=Page[CommentRead])
async def list_comments(
    session: SessionDep,
    user: CurrentUser,
    account_id: DbId | None = None,
    media_id: GraphId | None = None,
    status: service.InboxStatus | None = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """The unified comment inbox across the caller's accounts, newest first.

    `status`: `unanswered` (neither answered, publicly or privately, nor hidden), `answered`, `hidden`.
    `search` matches the text literally (`%` and `_` are plain characters), case-insensitively.
    """
    filters = service.InboxFilter(account_id=account_id, media_id=media_id, status=status, search=search)
    items, next_cursor = await service.list_inbox(
        session, user=user, filters=filters, limit=limit, cursor=cursor
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/media/{media_id}/comments", response_model=Page[CommentThread])
async def media_comments(
    media_id: GraphId,
    account_id: DbId,
    user: UserOutsideTransaction,
    access: AccountGraphDep,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """A media's comments with their replies (refreshed from Instagram on the first page)."""
    items, replies, next_cursor = await service.media_thread(
        access, user=user, account_id=account_id, media_id=media_id, limit=limit, cursor=cursor
    )
    threads = [
        CommentThread.model_validate(item).model_copy(
            update={"replies": [CommentRead.model_validate(r) for r in replies[item.platform_comment_id]]}
        )
        for item in items
    ]
    return {"items": threads, "next_cursor": next_cursor}


@router.post("/media/{media_id}/comment-settings", response_model=CommentSettingsRead)
async def comment_settings(
    media_id: GraphId, body: CommentSettings, user: UserOutsideTransaction, access: AccountGraphDep
) -> CommentSettingsRead:
    """Turn comments on or off for a media."""
    await service.set_comments_enabled(
        access, user=user, account_id=body.account_id, media_id=media_id, enabled=body.enabled
    )
    return CommentSettingsRead(media_id=media_id, enabled=body.enabled)


@router.post("/comments/bulk", response_model=BulkResponse)
async def bulk_comments(
    body: BulkRequest, user: UserOutsideTransaction, access: AccountGraphDep
) -> BulkResponse:
    """Hide, unhide, delete or mark answered many comments; the outcome is reported per id."""
    results = await service.bulk(access, user=user, ids=body.ids, action=body.action)
    return BulkResponse(results=[BulkItem.model_validate(asdict(item)) for item in results])


@router.post("/comments/{comment_id}/reply", response_model=CommentRead, status_code=status.HTTP_201_CREATED)
async def reply_to_comment(
    comment_id: DbId, body: ReplyCreate, user: UserOutsideTransaction, access: AccountGraphDep
) -> object:
    """Reply publicly; the comment becomes answered."""
    return await service.reply(access, user=user, comment_id=comment_id, message=body.message)


@router.post(
    "/comments/{comment_id}/private-reply", response_model=MessageRead, status_code=status.HTTP_201_CREATED
)
async def private_reply(
    comment_id: DbId, body: PrivateReplyCreate, user: UserOutsideTransaction, access: AccountGraphDep
) -> object:
    """Send the commenter the one private DM a comment allows (within 7 days)."""
    return await service.private_reply(access, user=user, comment_id=comment_id, message=body.message)


@router.post("/comments/{comment_id}/hide", response_model=CommentRead)
async def hide_comment(
    comment_id: DbId, body: HideRequest, user: UserOutsideTransaction, access: AccountGraphDep
) -> object:
    """Hide (`hide: true`) or unhide a comment."""
    return await service.hide(access, user=user, comment_id=comment_id, hidden=body.hide)


@router.delete("/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_comment(comment_id: DbId, user: UserOutsideTransaction, access: AccountGraphDep) -> Response:
    """Delete a comment on Instagram."""
    await service.delete(access, user=user, comment_id=comment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/mentions", response_model=Page[MentionRead])
async def list_mentions(
    session: SessionDep,
    user: CurrentUser,
    account_id: DbId | None = None,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """Comments and captions that @mention the caller's accounts, newest first."""
    items, next_cursor = await service.list_mentions(
        session, user=user, account_id=account_id, limit=limit, cursor=cursor
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/accounts/{account_id}/moderation-rules", response_model=Page[RuleRead])
async def list_rules(
    account_id: DbId,
    session: SessionDep,
    user: CurrentUser,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """The account's moderation rules, oldest first."""
    items, next_cursor = await service.list_rules(
        session, user=user, account_id=account_id, limit=limit, cursor=cursor
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/accounts/{account_id}/moderation-rules", response_model=RuleRead, status_code=status.HTTP_201_CREATED
)
async def create_rule(account_id: DbId, body: RuleCreate, session: SessionDep, user: CurrentUser) -> object:
    """Add a rule that hides or deletes matching new comments."""
    data = service.RuleInput(**body.model_dump())
    return await service.create_rule(session, user=user, account_id=account_id, data=data)


@router.get("/accounts/{account_id}/moderation-rules/{rule_id}", response_model=RuleRead)
async def get_rule(account_id: DbId, rule_id: DbId, session: SessionDep, user: CurrentUser) -> object:
    """One rule."""
    return await service.get_rule(session, user=user, account_id=account_id, rule_id=rule_id)


@router.patch("/accounts/{account_id}/moderation-rules/{rule_id}", response_model=RuleRead)
async def update_rule(
    account_id: DbId, rule_id: DbId, body: RuleUpdate, session: SessionDep, user: CurrentUser
) -> object:
    """Change a rule."""
    data = service.RuleInput(**body.model_dump(exclude_unset=True))
    return await service.update_rule(session, user=user, account_id=account_id, rule_id=rule_id, data=data)


@router.delete("/accounts/{account_id}/moderation-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_rule(account_id: DbId, rule_id: DbId, session: SessionDep, user: CurrentUser) -> Response:
    """Remove a rule (its audit trail stays)."""
    await service.delete_rule(session, user=user, account_id=account_id, rule_id=rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/accounts/{account_id}/moderation-actions", response_model=Page[ModerationActionRead])
async def list_moderation_actions(
    account_id: DbId,
    session: SessionDep,
    user: CurrentUser,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """What the account's rules did, newest first."""
    items = await service.list_actions(
        session, user=user, account_id=account_id, limit=limit + 1, before_id=id_cursor(cursor)
    )
    more = len(items) > limit
    return {"items": items[:limit], "next_cursor": str(items[limit - 1].id) if more else None}


@router.post("/accounts/{account_id}/inbox/sync", response_model=SyncRead)
async def sync_inbox(
    account_id: DbId,
    user: UserOutsideTransaction,
    access: AccountGraphDep,
    settings: SettingsDep,
) -> SyncRead:
    """Backfill the account's comments and conversations now."""
    report = await service.sync_now(
        access,
        user=user,
        account_id=account_id,
        media_count=settings.inbox_sync_media_count,
        interval_seconds=settings.inbox_sync_interval_seconds,
    )
    return SyncRead.model_validate(report.counts())


def _conversation(
    conversation: InboxConversation, username: str | None, platform_id: str, *, human_agent: bool
) -> ConversationRead:
    return ConversationRead(
        id=conversation.id,
        account_id=conversation.account_id,
        participants=[
            Participant(id=conversation.participant_id, username=conversation.participant_username),
            Participant(id=platform_id, username=username),
        ],
        last_message_text=conversation.last_message_text,
        last_message_at=conversation.last_message_at,
        unread_count=conversation.unread_count,
        can_reply_until=service.reply_deadline(conversation, human_agent=False),
        human_agent_until=service.reply_deadline(conversation, human_agent=True) if human_agent else None,
    )


@router.get("/conversations", response_model=Page[ConversationRead])
async def list_conversations(
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    account_id: DbId | None = None,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """The caller's DM conversations, most recent first, with the reply deadline."""
    rows, next_cursor = await service.list_conversations(
        session, user=user, account_id=account_id, limit=limit, cursor=cursor
    )
    human_agent = settings.human_agent_enabled
    items = [
        _conversation(c, a.account_username, a.platform_account_id, human_agent=human_agent) for c, a in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


# Reading clears the unread count: a write, so the write lock is taken up front like other writers'.
@router.get(
    "/conversations/{conversation_id}/messages", response_model=Page[MessageRead], dependencies=[WritesOnRead]
)
async def list_messages(
    conversation_id: DbId,
    session: SessionDep,
    user: CurrentUser,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, object]:
    """A conversation's messages, newest first (kept even when Instagram no longer shows them)."""
    items, next_cursor = await service.list_messages(
        session, user=user, conversation_id=conversation_id, limit=limit, cursor=cursor
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageRead,
    status_code=status.HTTP_201_CREATED,
)
async def send_message(
    conversation_id: DbId,
    body: MessageCreate,
    user: UserOutsideTransaction,
    access: AccountGraphDep,
    settings: SettingsDep,
) -> object:
    """Reply with text or a clip, inside the 24 h window (7 days as a human agent when enabled)."""
    outgoing = service.Outgoing(text=body.text, clip_id=body.clip_id, human_agent=body.human_agent)
    return await service.send(
        access,
        user=user,
        settings=settings,
        conversation_id=conversation_id,
        outgoing=outgoing,
    )
