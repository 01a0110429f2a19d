"""What a backfill reads from Meta: comments with their replies (field expansion, then the next pages in
batch requests) and conversations with their latest messages, turned into what the store keeps.

Nothing here touches the database: it is called with no transaction open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clipper.accounts.models import Account
from clipper.inbox import media as media_details
from clipper.inbox import store
from clipper.instagram import BatchRequest, InstagramGraphAPI
from clipper.instagram.engagement import COMMENT_FIELDS
from clipper.instagram.schemas import Comment, Conversation

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


def flatten(
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


def participant_of(conversation: Conversation, account: Account) -> tuple[str, str | None] | None:
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
