"""The Send API (§6.2): `POST /{page-id}/messages` (also `/me/messages`) with a Page token.

`recipient{id}` replies in a conversation the user started (24 h window, 7 days with an approved
HUMAN_AGENT tag); `recipient{comment_id}` is a private reply (one per comment, within 7 days).
Answers `{"recipient_id", "message_id"}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph_sandbox import webhooks
from graph_sandbox.access import check_permissions
from graph_sandbox.engagement import windows
from graph_sandbox.engagement.attachments import parse_attachment
from graph_sandbox.engagement.comment_nodes import live_comment
from graph_sandbox.engagement.conversations import MESSAGING_PERMISSIONS
from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter
from graph_sandbox.registry import INSTAGRAM_HOST, GraphCall, graph_handler
from graph_sandbox.world import Conversation, InstagramUser, Message, Page, Person, TokenKind, World

MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")
SENDER_ACTIONS = ("typing_on", "typing_off", "mark_seen", "react", "unreact")
_UNAVAILABLE = "unavailable_people"
SEND_PARAMS = ("recipient", "message", "messaging_type", "tag", "sender_action", "platform", "payload")


def no_matching_user() -> GraphError:
    """100/2018001."""
    return GraphError(100, "(#100) No matching user found", subcode=2018001)


def find_conversation(world: World, ig_user_id: str, person_id: str) -> Conversation | None:
    """The conversation between an account and one person, if any."""
    return next(
        (
            c
            for c in world.conversations.values()
            if c.ig_user_id == ig_user_id and c.participant_id == person_id
        ),
        None,
    )


def open_conversation(world: World, ig: InstagramUser, person: Person, now: datetime) -> Conversation:
    """The conversation with `person`, created when there is none."""
    existing = find_conversation(world, ig.id, person.id)
    if existing is not None:
        return existing
    conversation = Conversation(world.ids.conversation(), ig.page_id, ig.id, person.id, now)
    world.conversations[conversation.id] = conversation
    return conversation


def append_message(
    world: World,
    conversation: Conversation,
    *,
    from_business: bool,
    text: str | None,
    attachments: list[dict[str, Any]],
    now: datetime,
) -> Message:
    """Add a message to a conversation (from the user, or an echo from the business) and bump it."""
    ig = world.ig_users[conversation.ig_user_id]
    person = world.people.get(conversation.participant_id)
    username = person.username if person else ""
    ends = [(ig.id, ig.username), (conversation.participant_id, username)]
    sender, recipient = ends if from_business else ends[::-1]
    message = Message(
        world.ids.message(),
        conversation.id,
        sender[0],
        sender[1],
        recipient[0],
        recipient[1],
        now,
        text=text,
        attachments=attachments,
        is_echo=from_business,
    )
    world.messages[message.id] = message
    conversation.message_ids.append(message.id)
    conversation.updated_time = now
    if not from_business:
        conversation.unread_count += 1
    return message


def last_user_message_at(world: World, conversation: Conversation) -> datetime | None:
    """When the person last wrote (the business's own messages do not reopen the window)."""
    times = [
        world.messages[mid].created_time
        for mid in conversation.message_ids
        if mid in world.messages and not world.messages[mid].is_echo
    ]
    return max(times, default=None)


def _content(call: GraphCall) -> tuple[str | None, list[dict[str, Any]]]:
    message = call.json_param("message")
    if message is None:
        raise missing_parameter("message")
    if not isinstance(message, dict):
        raise invalid_parameter("(#100) Param message must be a JSON object")
    text, attachment = message.get("text"), message.get("attachment")
    if text is not None:
        if not isinstance(text, str) or not text:
            raise invalid_parameter("(#100) Param message[text] must be a non-empty UTF-8 encoded string")
        problem = windows.check_text(text)
        if problem is not None:
            raise problem
        return text, []
    return None, [parse_attachment(call.world, attachment)]


def _tag(call: GraphCall) -> str | None:
    messaging_type = call.param("messaging_type") or "RESPONSE"
    if messaging_type not in MESSAGING_TYPES:
        raise invalid_parameter(
            f"(#100) Param messaging_type must be one of {{{', '.join(MESSAGING_TYPES)}}}"
        )
    tag = call.param("tag")
    if messaging_type == "MESSAGE_TAG" and not tag:
        raise missing_parameter("tag")
    if tag and tag != "HUMAN_AGENT":
        raise invalid_parameter("(#100) Param tag must be one of {HUMAN_AGENT}")
    return tag


# Private replies through the Page: "instagram_manage_comments and pages_messaging permissions, obtained
# via Facebook Login" on top of the Send API's own (Messenger Platform, Instagram Private Replies,
# https://developers.facebook.com/docs/messenger-platform/instagram/features/private-replies).
PRIVATE_REPLY_PERMISSIONS = ("instagram_manage_comments", "pages_messaging")


def _private_reply(call: GraphCall, ig: InstagramUser, comment_id: str) -> Conversation:
    check_permissions(call, PRIVATE_REPLY_PERMISSIONS)
    comment = live_comment(call.world, comment_id)
    media = call.world.media.get(comment.media_id) if comment else None
    if comment is None or media is None or media.ig_user_id != ig.id:
        raise no_matching_user()
    problem = windows.check_private_reply(
        comment.timestamp, call.clock.now(), already_sent=comment.private_reply_sent
    )
    if problem is not None:
        raise problem
    comment.private_reply_sent = True
    person = call.world.people.get(comment.from_id) or Person(comment.from_id, comment.username)
    call.world.people.setdefault(person.id, person)
    return open_conversation(call.world, ig, person, call.clock.now())


def unavailable_people(world: World) -> set[str]:
    """IGSIDs that blocked the accounts or deactivated (set through the admin API)."""
    found = world.extra.get(_UNAVAILABLE)
    if not isinstance(found, set):
        found = set()
        world.extra[_UNAVAILABLE] = found
    return found


def _reply(call: GraphCall, ig: InstagramUser, person_id: str, tag: str | None) -> Conversation:
    conversation = find_conversation(call.world, ig.id, person_id)
    if conversation is None:
        raise no_matching_user()
    if person_id in unavailable_people(call.world):
        raise windows.recipient_unavailable()
    problem = windows.check_window(
        last_user_message_at(call.world, conversation),
        call.clock.now(),
        tag=tag,
        human_agent_enabled=ig.human_agent_enabled,
    )
    if problem is not None:
        raise problem
    return conversation


def _sender_action(call: GraphCall, ig: InstagramUser, person_id: str, action: str) -> dict[str, Any]:
    if action not in SENDER_ACTIONS:
        raise invalid_parameter(f"(#100) Param sender_action must be one of {{{', '.join(SENDER_ACTIONS)}}}")
    conversation = find_conversation(call.world, ig.id, person_id)
    if conversation is None:
        raise no_matching_user()
    if action == "mark_seen":
        conversation.unread_count = 0
    return {"recipient_id": person_id}


@graph_handler(
    "page",
    "messages",
    "POST",
    permissions=MESSAGING_PERMISSIONS,
    params=SEND_PARAMS,
    token_kinds=(TokenKind.PAGE,),
)
async def send_message(call: GraphCall) -> dict[str, Any]:
    """Send a message (or a private reply, or a sender action) from the Page's IG account."""
    page: Page = call.node
    return await _send(call, call.world.ig_users.get(page.ig_user_id or ""))


async def _send(call: GraphCall, ig: InstagramUser | None) -> dict[str, Any]:
    recipient = call.json_param("recipient")
    if recipient is None:
        raise missing_parameter("recipient")
    if ig is None or not isinstance(recipient, dict):
        raise no_matching_user()
    if call.param("sender_action"):
        return _sender_action(call, ig, str(recipient.get("id", "")), str(call.param("sender_action")))
    text, attachments = _content(call)
    tag = _tag(call)
    if recipient.get("comment_id"):
        conversation = _private_reply(call, ig, str(recipient["comment_id"]))
    elif recipient.get("id"):
        conversation = _reply(call, ig, str(recipient["id"]), tag)
    else:
        raise no_matching_user()
    now = call.clock.now()
    message = append_message(
        call.world, conversation, from_business=True, text=text, attachments=attachments, now=now
    )
    conversation.unread_count = 0  # answering a thread reads it
    # Meta echoes the business's own messages to the `messages` webhook with is_echo (§10.3).
    webhooks.emit_soon(
        call.sandbox,
        [webhooks.messaging_entry(ig.id, now, [webhooks.message_event(message, ig_user_id=ig.id)])],
    )
    return {"recipient_id": conversation.participant_id, "message_id": message.id}


@graph_handler(
    "ig_user", "messages", "POST", permissions=MESSAGING_PERMISSIONS, params=SEND_PARAMS, hosts=INSTAGRAM_HOST
)
async def send_via_ig_user(call: GraphCall) -> dict[str, Any]:
    """`POST graph.instagram.com/{ig-id}/messages` (or `/me/messages`) with an Instagram User token
    and instagram_business_basic + instagram_business_manage_messages (Instagram API with Instagram
    Login, Send Messages: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api).
    Facebook Login apps send through the Page; the IG node's `messages` edge is Instagram Login only."""
    ig: InstagramUser = call.node
    return await _send(call, ig)
