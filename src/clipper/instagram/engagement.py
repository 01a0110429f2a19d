"""Comments (GRAPH_API.md §5) and direct messages (§6)."""

from __future__ import annotations

from typing import Any, Literal

from clipper.instagram.errors import RequestValidationError
from clipper.instagram.reading import ReadingMixin
from clipper.instagram.schemas import Comment, Conversation, Message, SentMessage

COMMENT_FIELDS = "id,text,timestamp,username,like_count,hidden,from,parent_id"
COMMENT_WITH_REPLIES = f"{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}"
CONVERSATION_FIELDS = "id,updated_time,unread_count,participants"
MESSAGE_FIELDS = "id,created_time,from,to,message"
AttachmentType = Literal["image", "video", "audio", "file"]


def _success(body: Any) -> bool:
    return bool(body.get("success", False)) if isinstance(body, dict) else False


class EngagementMixin(ReadingMixin):
    """Read and moderate comments; read and send DMs (with a Page token)."""

    async def get_media_comments(
        self, media_id: str, *, fields: str = COMMENT_WITH_REPLIES, max_items: int | None = None
    ) -> list[Comment]:
        """Top-level comments of a media object, newest first, with their replies."""
        return await self._collect(
            f"{media_id}/comments", {"fields": fields, "limit": 50}, Comment, max_items
        )

    async def get_comment(self, comment_id: str, *, fields: str = COMMENT_WITH_REPLIES) -> Comment:
        """One comment (e.g. from a webhook notification)."""
        return Comment.model_validate(await self._get(comment_id, {"fields": fields}))

    async def get_replies(self, comment_id: str, *, fields: str = COMMENT_FIELDS) -> list[Comment]:
        """Replies to a top-level comment."""
        return await self._collect(f"{comment_id}/replies", {"fields": fields}, Comment)

    async def post_comment(self, media_id: str, message: str) -> str:
        """Comment on a media object (e.g. the first comment); returns the comment id."""
        body = await self._post(f"{media_id}/comments", {"message": message}, idempotent=False)
        return str(body["id"])

    async def reply_to_comment(self, comment_id: str, message: str) -> str:
        """Reply to a comment; returns the reply id."""
        body = await self._post(f"{comment_id}/replies", {"message": message}, idempotent=False)
        return str(body["id"])

    async def hide_comment(self, comment_id: str, hide: bool = True) -> bool:
        """Hide (or unhide) a comment on the account's media."""
        return _success(await self._post(comment_id, {"hide": hide}, idempotent=True))

    async def delete_comment(self, comment_id: str) -> bool:
        """Delete a comment on the account's media."""
        return _success(await self._delete(comment_id))

    async def set_comment_enabled(self, media_id: str, enabled: bool) -> bool:
        """Turn comments on or off for a media object."""
        return _success(await self._post(media_id, {"comment_enabled": enabled}, idempotent=True))

    async def get_conversations(
        self,
        page_id: str,
        *,
        platform: str = "instagram",
        user_id: str | None = None,
        fields: str = CONVERSATION_FIELDS,
        max_items: int | None = None,
    ) -> list[Conversation]:
        """The Page's Instagram conversations (`user_id`: only the one with that person)."""
        params = {"platform": platform, "user_id": user_id, "fields": fields}
        return await self._collect(f"{page_id}/conversations", params, Conversation, max_items)

    async def get_conversation(
        self, conversation_id: str, *, fields: str = CONVERSATION_FIELDS
    ) -> Conversation:
        """One conversation."""
        return Conversation.model_validate(await self._get(conversation_id, {"fields": fields}))

    async def get_message(self, message_id: str, *, fields: str = MESSAGE_FIELDS) -> Message:
        """One message in detail (only the 20 most recent of a conversation can be read)."""
        return Message.model_validate(await self._get(message_id, {"fields": fields}))

    async def get_conversation_messages(
        self, conversation_id: str, *, fields: str = MESSAGE_FIELDS
    ) -> list[Message]:
        """The messages of a conversation, newest first, in one call (only the latest 20 are readable)."""
        body = await self._get(conversation_id, {"fields": f"messages{{{fields}}}"})
        edge = body.get("messages") or {}
        return [Message.model_validate(item) for item in edge.get("data", [])]

    async def send_message(
        self,
        page_id: str,
        recipient_id: str | None = None,
        text: str | None = None,
        *,
        comment_id: str | None = None,
        attachment_url: str | None = None,
        attachment_type: AttachmentType = "image",
        messaging_type: str | None = None,
        tag: str | None = None,
    ) -> SentMessage:
        """Send a DM to an IGSID, or a private reply to `comment_id`; text or one attachment."""
        if (recipient_id is None) == (comment_id is None):
            raise RequestValidationError(
                "Give exactly one of recipient_id or comment_id.", option="recipient"
            )
        if (text is None) == (attachment_url is None):
            raise RequestValidationError("Give exactly one of text or attachment_url.", option="message")
        if text is not None and len(text.encode()) > 1000:
            raise RequestValidationError("A message is at most 1000 bytes of text.", option="message")
        recipient = {"id": recipient_id} if recipient_id else {"comment_id": comment_id}
        message: dict[str, Any] = (
            {"text": text}
            if text is not None
            else {"attachment": {"type": attachment_type, "payload": {"url": attachment_url}}}
        )
        params = {"recipient": recipient, "message": message, "messaging_type": messaging_type, "tag": tag}
        body = await self._post(f"{page_id}/messages", params, idempotent=False)
        return SentMessage.model_validate(body)
