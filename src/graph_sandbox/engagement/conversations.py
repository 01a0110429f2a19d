"""Conversations API reads (§6.1): `/{page-id}/conversations?platform=instagram`, conversations, messages.

Only the 20 most recent messages of a conversation can be read in detail; older message ids answer
Meta's "deleted" error, and in a `messages{…}` expansion they show only `id` and `created_time`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from graph_sandbox.clock import graph_time
from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter
from graph_sandbox.fields import FieldSel
from graph_sandbox.nodes import ABSENT, EdgeSpec, FieldGetter, NodeType, register_node_type
from graph_sandbox.registry import INSTAGRAM_HOST, GraphCall, graph_handler
from graph_sandbox.world import Conversation, Message, Page, TokenKind, World

# "For Instagram Messaging conversations … the instagram_basic, instagram_manage_messages, and
# pages_manage_metadata permissions" (https://developers.facebook.com/docs/messenger-platform/conversations,
# and the Page Conversations reference); the Send API for Instagram asks for the same three.
MESSAGING_PERMISSIONS = ("instagram_basic", "instagram_manage_messages", "pages_manage_metadata")
READABLE_MESSAGES = 20
PLATFORMS = ("instagram", "messenger")
MESSAGE_DELETED = "(#100) This message has been deleted"


def conversation_messages(
    conversation: Conversation, call: GraphCall, sel: FieldSel | None
) -> Sequence[Message]:
    """A conversation's messages, newest first."""
    del sel
    return [
        call.world.messages[mid] for mid in reversed(conversation.message_ids) if mid in call.world.messages
    ]


def is_readable(world: World, message: Message) -> bool:
    """Only the 20 most recent messages of a conversation can be read in detail."""
    conversation = world.conversations.get(message.conversation_id)
    return conversation is not None and message.id in conversation.message_ids[-READABLE_MESSAGES:]


def _participant(world: World, person_id: str, fallback: str = "") -> dict[str, str]:
    if person_id in world.ig_users:
        return {"username": world.ig_users[person_id].username, "id": person_id}
    person = world.people.get(person_id)
    return {"username": person.username if person else fallback, "id": person_id}


def _conv(func: Any) -> FieldGetter:
    def getter(obj: Any, call: GraphCall, sel: FieldSel) -> Any:
        del sel
        return func(obj, call.world)

    return getter


def _snippet(conversation: Conversation, world: World) -> Any:
    last = world.messages.get(conversation.message_ids[-1]) if conversation.message_ids else None
    return (last.text or "") if last else ABSENT


CONVERSATION_FIELDS: dict[str, FieldGetter] = {
    "updated_time": _conv(lambda c, _: graph_time(c.updated_time)),
    "unread_count": _conv(lambda c, _: c.unread_count),
    "message_count": _conv(lambda c, _: len(c.message_ids)),
    "snippet": _conv(_snippet),
    "link": _conv(lambda c, _: f"/{c.page_id}/inbox/{c.id}/"),
    "participants": _conv(
        lambda c, w: {"data": [_participant(w, c.participant_id), _participant(w, c.ig_user_id)]}
    ),
}


def _detail(func: Any) -> FieldGetter:
    """A message field that exists only for the 20 most recent messages."""

    def getter(message: Message, call: GraphCall, sel: FieldSel) -> Any:
        del sel
        return func(message, call.world) if is_readable(call.world, message) else ABSENT

    return getter


_MIME = {
    "image": "image/jpeg",
    "video": "video/mp4",
    "audio": "audio/mp4",
    "file": "application/octet-stream",
}


def _attachment_id(message: Message, index: int) -> str:
    digest = int(hashlib.sha256(f"{message.id}:{index}".encode()).hexdigest(), 16)
    return str(10**14 + digest % (9 * 10**14))


def _attachment(message: Message, index: int, attachment: dict[str, Any]) -> dict[str, Any]:
    kind = str(attachment.get("type", "file"))
    url = str((attachment.get("payload") or {}).get("url", ""))
    item: dict[str, Any] = {
        "id": _attachment_id(message, index),
        "mime_type": _MIME.get(kind, _MIME["file"]),
        "name": f"{kind}-{message.id[-8:]}",
        "size": 0,
    }
    if kind == "image":
        item["image_data"] = {
            "width": 1080,
            "height": 1080,
            "max_width": 1080,
            "max_height": 1080,
            "url": url,
            "preview_url": url,
            "image_type": 1,
            "render_as_sticker": False,
        }
    elif kind == "video":
        item["video_data"] = {
            "width": 720,
            "height": 1280,
            "length": 0,
            "video_type": 1,
            "url": url,
            "preview_url": url,
            "rotation": 0,
        }
    else:
        item["file_url"] = url
    return item


def _attachments(message: Message, world: World) -> Any:
    # §6.1: for shares and media only the URL is known; sizes are placeholders.
    del world
    if not message.attachments:
        return ABSENT
    return {"data": [_attachment(message, i, a) for i, a in enumerate(message.attachments)]}


MESSAGE_FIELDS: dict[str, FieldGetter] = {
    "created_time": _conv(lambda m, _: graph_time(m.created_time)),
    "from": _detail(lambda m, w: _participant(w, m.from_id, m.from_username)),
    "to": _detail(lambda m, w: {"data": [_participant(w, m.to_id, m.to_username)]}),
    "message": _detail(lambda m, _: m.text or ""),
    "attachments": _detail(_attachments),
    "is_unsupported": _detail(lambda *_: False),
}


def _page_of_conversation(world: World, conversation: Conversation) -> str | None:
    del world
    return conversation.page_id


def _page_of_message(world: World, message: Message) -> str | None:
    conversation = world.conversations.get(message.conversation_id)
    return conversation.page_id if conversation else None


def _ig_of_message(world: World, message: Message) -> str | None:
    conversation = world.conversations.get(message.conversation_id)
    return conversation.ig_user_id if conversation else None


def register() -> None:
    """Register the `conversation` and `message` node types."""
    register_node_type(
        NodeType(
            kind="conversation",
            type_name="UnifiedThread",
            fields=dict(CONVERSATION_FIELDS),
            default_fields=("id",),
            edges={"messages": EdgeSpec("message", conversation_messages, MESSAGING_PERMISSIONS)},
            read_permissions=MESSAGING_PERMISSIONS,
            page_of=_page_of_conversation,
            ig_user_of=lambda _, c: c.ig_user_id,
        )
    )
    register_node_type(
        NodeType(
            kind="message",
            type_name="Message",
            fields=dict(MESSAGE_FIELDS),
            default_fields=("id", "created_time"),
            read_permissions=MESSAGING_PERMISSIONS,
            page_of=_page_of_message,
            ig_user_of=_ig_of_message,
        )
    )


@graph_handler(
    "page",
    "conversations",
    "GET",
    permissions=MESSAGING_PERMISSIONS,
    params=("platform", "user_id", "folder"),
    token_kinds=(TokenKind.PAGE,),
)
async def list_conversations(call: GraphCall) -> dict[str, Any]:
    """`GET /{page-id}/conversations?platform=instagram[&user_id=<IGSID>]`, most recently updated first."""
    page: Page = call.node
    return _conversations(call, page.ig_user_id or "")


@graph_handler(
    "ig_user",
    "conversations",
    "GET",
    permissions=MESSAGING_PERMISSIONS,
    params=("platform", "user_id", "folder"),
    hosts=INSTAGRAM_HOST,
)
async def list_ig_conversations(call: GraphCall) -> dict[str, Any]:
    """`GET graph.instagram.com/{ig-id}/conversations` (or `/me/conversations`), Instagram Login only:
    "All endpoints can be accessed via the graph.instagram.com host. /<IG_ID>/conversations or
    /me/conversations", with instagram_business_basic + instagram_business_manage_messages
    (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/conversations-api).
    Facebook Login reads them through the Page."""
    return _conversations(call, str(call.node.id))


def _conversations(call: GraphCall, ig_user_id: str) -> dict[str, Any]:
    platform = call.param("platform")
    if not platform:
        raise missing_parameter("platform")
    if platform not in PLATFORMS:
        raise invalid_parameter(
            f"(#100) platform must be one of the following values: {', '.join(PLATFORMS)}"
        )
    user_id = call.param("user_id")
    found = [
        c
        for c in call.world.conversations.values()
        if platform == "instagram"
        and c.ig_user_id == ig_user_id
        and (user_id is None or c.participant_id == user_id)
    ]
    found.sort(key=lambda c: (c.updated_time, c.id), reverse=True)
    return call.page("conversation", found)


@graph_handler("message", None, "GET", permissions=MESSAGING_PERMISSIONS)
async def read_message(call: GraphCall) -> dict[str, Any]:
    """`GET /{message-id}`: only the 20 most recent messages of a conversation can be read."""
    message: Message = call.node
    if message.is_deleted or not is_readable(call.world, message):
        raise GraphError(100, MESSAGE_DELETED)
    return call.render("message", message)


register()
