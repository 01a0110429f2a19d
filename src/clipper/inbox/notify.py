"""Tell the user's open UIs about new inbox items through the events hub (best effort)."""

from __future__ import annotations

from typing import Any

import structlog

from clipper.events.hub import EventHub
from clipper.inbox.models import InboxComment, InboxConversation, InboxMention, InboxMessage

log = structlog.get_logger(__name__)


async def _publish(hub: EventHub | None, user_id: int, kind: str, data: dict[str, Any]) -> None:
    if hub is None:
        return
    try:
        await hub.publish_event(user_id, kind, data)
    except Exception as exc:  # the UI missing one event must never fail the inbox write
        log.warning("event not published", type=kind, error_type=type(exc).__name__)


async def comment_created(hub: EventHub | None, *, user_id: int, comment: InboxComment) -> None:
    """`comment.created` for a comment we just stored."""
    data = {
        "id": comment.id,
        "account_id": comment.account_id,
        "media_id": comment.media_id,
        "author_username": comment.author_username,
        "text": comment.text,
        "hidden": comment.hidden,
    }
    await _publish(hub, user_id, "comment.created", data)


async def comments_updated(
    hub: EventHub | None, *, user_id: int, account_id: int, media_ids: list[str]
) -> None:
    """`comment.updated` when stored comments learned their media's details."""
    await _publish(hub, user_id, "comment.updated", {"account_id": account_id, "media_ids": media_ids})


async def conversations_updated(hub: EventHub | None, *, user_id: int, account_id: int) -> None:
    """`conversation.updated` when stored threads learned their participants' usernames."""
    await _publish(hub, user_id, "conversation.updated", {"account_id": account_id})


async def message_created(
    hub: EventHub | None, *, user_id: int, conversation: InboxConversation, message: InboxMessage
) -> None:
    """`message.created` for a DM we just stored."""
    data = {
        "id": message.id,
        "conversation_id": conversation.id,
        "account_id": conversation.account_id,
        "from_account": message.from_account,
        "text": message.text,
    }
    await _publish(hub, user_id, "message.created", data)


async def mention_created(hub: EventHub | None, *, user_id: int, mention: InboxMention) -> None:
    """`mention.created` for a mention we just stored."""
    data = {
        "id": mention.id,
        "account_id": mention.account_id,
        "kind": mention.kind.value,
        "media_id": mention.media_id,
        "comment_id": mention.comment_id,
        "author_username": mention.author_username,
        "text": mention.text,
    }
    await _publish(hub, user_id, "mention.created", data)
