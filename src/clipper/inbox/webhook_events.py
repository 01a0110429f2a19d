"""New comments and messages, recorded for the owner's outgoing webhooks in the unit of work storing them.

The same facts the live UI is told (`notify`), but written with the rows (`clipper.outgoing.outbox`), so
a subscriber gets every stored comment or message exactly once even if the process dies right after.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.inbox.models import InboxComment, InboxConversation, InboxMessage
from clipper.outgoing import outbox


def comment_payload(comment: InboxComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "account_id": comment.account_id,
        "platform_comment_id": comment.platform_comment_id,
        "media_id": comment.media_id,
        "parent_platform_id": comment.parent_platform_id,
        "author_username": comment.author_username,
        "text": comment.text,
        "from_account": comment.from_account,
        "hidden": comment.hidden,
        "commented_at": comment.commented_at.isoformat(),
    }


def message_payload(conversation: InboxConversation, message: InboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": conversation.id,
        "account_id": conversation.account_id,
        "platform_message_id": message.platform_message_id,
        "from_account": message.from_account,
        "text": message.text,
        "attachments": len(message.attachments or []),
        "sent_at": message.sent_at.isoformat(),
    }


async def comments_created(session: AsyncSession, *, user_id: int, comments: Sequence[InboxComment]) -> None:
    """`comment.created` for each comment just stored (one endpoint lookup for all of them)."""
    if not comments:
        return
    endpoint_ids = await outbox.subscribed(session, user_id=user_id, event_type=outbox.COMMENT_CREATED)
    for comment in comments if endpoint_ids else ():
        data = comment_payload(comment)
        outbox.enqueue(session, endpoint_ids=endpoint_ids, event_type=outbox.COMMENT_CREATED, data=data)


async def messages_created(
    session: AsyncSession, *, user_id: int, arrived: Sequence[tuple[InboxConversation, InboxMessage]]
) -> None:
    """`message.created` for each message from the other person just stored."""
    if not arrived:
        return
    endpoint_ids = await outbox.subscribed(session, user_id=user_id, event_type=outbox.MESSAGE_CREATED)
    for conversation, message in arrived if endpoint_ids else ():
        data = message_payload(conversation, message)
        outbox.enqueue(session, endpoint_ids=endpoint_ids, event_type=outbox.MESSAGE_CREATED, data=data)
