"""Direct messages: conversations, their messages, replies inside the messaging window, private replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph, messaging_node
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_COMMENTS, MANAGE_MESSAGES, PRIVATE_REPLIES
from clipper.clips import service as clips
from clipper.clips.models import ClipKind
from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.errors import Conflict, InvalidInput, NotFound
from clipper.inbox import comments, store
from clipper.inbox.models import InboxComment, InboxConversation, InboxMessage
from clipper.inbox.pagination import encode_cursor, older_than
from clipper.users.models import User

STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
PRIVATE_REPLY_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Outgoing:
    """A DM to send: text or a clip, optionally with the HUMAN_AGENT tag."""

    text: str | None = None
    clip_id: int | None = None
    human_agent: bool = False


def reply_deadline(conversation: InboxConversation, *, human_agent: bool) -> datetime | None:
    """Until when the account may answer (None: the person never wrote, so no reply is possible)."""
    if conversation.last_user_message_at is None:
        return None
    window = HUMAN_AGENT_WINDOW if human_agent else STANDARD_WINDOW
    return conversation.last_user_message_at + window


async def list_conversations(
    session: AsyncSession, *, user: User, account_id: int | None, limit: int, cursor: str | None
) -> tuple[list[tuple[InboxConversation, Account]], str | None]:
    """The user's conversations, most recent activity first."""
    query = (
        select(InboxConversation, Account)
        .join(Account, Account.id == InboxConversation.account_id)
        .where(Account.user_id == user.id, InboxConversation.last_message_at.is_not(None))
    )
    if account_id is not None:
        query = query.where(InboxConversation.account_id == account_id)
    after = older_than(cursor, InboxConversation.last_message_at, InboxConversation.id)
    if after is not None:
        query = query.where(after)
    query = query.order_by(InboxConversation.last_message_at.desc(), InboxConversation.id.desc()).limit(
        limit + 1
    )
    rows = [(row[0], row[1]) for row in (await session.execute(query)).all()]
    items = rows[:limit]
    last = items[-1][0] if items else None
    more = len(rows) > limit and last is not None and last.last_message_at is not None
    return items, encode_cursor(
        last.last_message_at, last.id
    ) if more and last and last.last_message_at else None


async def get_conversation(
    session: AsyncSession, *, user: User, conversation_id: int
) -> tuple[InboxConversation, Account]:
    """One of the user's conversations with its account; NotFound for anyone else's."""
    found = (
        await session.execute(
            select(InboxConversation, Account)
            .join(Account, Account.id == InboxConversation.account_id)
            .where(InboxConversation.id == conversation_id, Account.user_id == user.id)
        )
    ).first()
    if found is None:
        raise NotFound(f"No conversation with id {conversation_id}.")
    return found[0], found[1]


async def list_messages(
    session: AsyncSession, *, user: User, conversation_id: int, limit: int, cursor: str | None
) -> tuple[list[InboxMessage], str | None]:
    """A conversation's messages, newest first; reading them clears the unread count."""
    conversation, _account = await get_conversation(session, user=user, conversation_id=conversation_id)
    query = select(InboxMessage).where(InboxMessage.conversation_id == conversation.id)
    after = older_than(cursor, InboxMessage.sent_at, InboxMessage.id)
    if after is not None:
        query = query.where(after)
    rows = (
        await session.scalars(
            query.order_by(InboxMessage.sent_at.desc(), InboxMessage.id.desc()).limit(limit + 1)
        )
    ).all()
    items = list(rows[:limit])
    conversation.unread_count = 0
    await session.flush()
    more = len(rows) > limit and items
    return items, encode_cursor(items[-1].sent_at, items[-1].id) if more else None


def _check_window(conversation: InboxConversation, outgoing: Outgoing, settings: Settings) -> None:
    if outgoing.human_agent and not settings.human_agent_enabled:
        raise Conflict(
            "HUMAN_AGENT replies are not enabled: set HUMAN_AGENT_ENABLED once Meta approved the feature."
        )
    deadline = reply_deadline(conversation, human_agent=outgoing.human_agent)
    if deadline is None:
        raise Conflict("This person has not written to the account: Instagram only allows replies.")
    if utcnow() > deadline:
        hours = "7 days" if outgoing.human_agent else "24 hours"
        hint = (
            ""
            if outgoing.human_agent or not settings.human_agent_enabled
            else " Send it as a human agent (7 days)."
        )
        raise Conflict(
            f"The reply window closed at {deadline:%Y-%m-%d %H:%M} UTC ({hours} after the person's last "
            f"message): wait for them to write again.{hint}"
        )


async def _attachment(session: AsyncSession, user: User, clip_id: int, settings: Settings) -> tuple[str, str]:
    clip = await clips.get_clip(session, user=user, clip_id=clip_id)
    kind = "image" if clip.kind is ClipKind.IMAGE else "video"
    return clips.public_url(clip, settings=settings), kind


async def send(
    access: AccountGraph,
    *,
    user: User,
    settings: Settings,
    conversation_id: int,
    outgoing: Outgoing,
) -> InboxMessage:
    """Reply in a conversation, after checking the messaging window; the sent message is stored.

    Reads, sends with no transaction open, then stores the sent message in a short unit of work.
    """
    if (outgoing.text is None) == (outgoing.clip_id is None):
        raise InvalidInput("Give either text or clip_id.")
    async with unit_of_work(access.factory, immediate=False) as session:
        conversation, account = await get_conversation(session, user=user, conversation_id=conversation_id)
        access.client(account, MANAGE_MESSAGES)
        _check_window(conversation, outgoing, settings)
        url, kind = (
            await _attachment(session, user, outgoing.clip_id, settings)
            if outgoing.clip_id
            else (None, "image")
        )
    async with access.calling(account, MANAGE_MESSAGES) as client:
        sent = await client.send_message(
            messaging_node(account),
            conversation.participant_id,
            outgoing.text,
            attachment_url=url,
            attachment_type="video" if kind == "video" else "image",
            messaging_type="MESSAGE_TAG" if outgoing.human_agent else None,
            tag="HUMAN_AGENT" if outgoing.human_agent else None,
        )
    async with unit_of_work(access.factory) as session:
        return await _store_sent(
            session, account, conversation.participant_id, sent.message_id, outgoing.text, url, kind
        )


async def _store_sent(
    session: AsyncSession,
    account: Account,
    participant_id: str,
    message_id: str | None,
    text: str | None,
    url: str | None,
    kind: str,
) -> InboxMessage:
    seen = store.SeenMessage(
        platform_id=message_id or f"local-{utcnow().timestamp()}",
        participant_id=participant_id,
        from_account=True,
        sent_at=utcnow(),
        text=text,
        attachments=[{"type": kind, "payload": {"url": url}}] if url else [],
    )
    message, _created = await store.save_message(session, account=account, seen=seen)
    return message


def _check_private_reply(comment: InboxComment) -> None:
    if comment.from_account:
        raise Conflict("A private reply goes to someone else's comment, not the account's own.")
    if comment.private_reply_sent_at is not None:
        raise Conflict(
            f"A private reply to this comment was already sent "
            f"({comment.private_reply_sent_at:%Y-%m-%d %H:%M} UTC): Instagram allows one per comment."
        )
    closed = comment.commented_at + PRIVATE_REPLY_WINDOW
    if utcnow() > closed:
        raise Conflict(
            f"Private replies are possible for 7 days after a comment: this one's window closed at "
            f"{closed:%Y-%m-%d %H:%M} UTC."
        )


async def private_reply(access: AccountGraph, *, user: User, comment_id: int, message: str) -> InboxMessage:
    """Send the one private DM a comment allows (within 7 days of it); the comment counts as answered.

    Reads, sends with no transaction open, then records it in a short unit of work.
    """
    async with unit_of_work(access.factory, immediate=False) as session:
        comment, account = await comments.get_comment(session, user=user, comment_id=comment_id)
    access.client(account, MANAGE_MESSAGES)
    # Private Replies: "instagram_manage_comments and pages_messaging permissions, obtained via Facebook
    # Login" (https://developers.facebook.com/docs/messenger-platform/instagram/features/private-replies).
    for permission in (MANAGE_COMMENTS, PRIVATE_REPLIES):
        accounts.require_permission(account, permission)
    _check_private_reply(comment)
    async with access.calling(account, MANAGE_MESSAGES) as client:
        sent = await client.send_message(
            messaging_node(account), text=message, comment_id=comment.platform_comment_id
        )
    async with unit_of_work(access.factory) as session:
        comment, account = await comments.get_comment(session, user=user, comment_id=comment_id)
        comment.private_reply_sent_at = utcnow()
        # Answered privately is answered: the inbox's "unanswered" view is the work still to do.
        comment.answered = True
        participant = sent.recipient_id or comment.author_id or ""
        stored = await _store_sent(session, account, participant, sent.message_id, message, None, "image")
        conversation = await session.get_one(InboxConversation, stored.conversation_id)
        conversation.participant_username = conversation.participant_username or comment.author_username
        await session.flush()
    return stored
