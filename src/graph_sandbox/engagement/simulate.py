"""Admin simulations of the outside world (DESIGN.md §7): a follower comments, mentions, DMs; a story expires.

Each one changes the world like the real event would and delivers the matching signed webhook.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field

from graph_sandbox import webhooks
from graph_sandbox.engagement.comment_nodes import live_comment
from graph_sandbox.engagement.comment_writes import add_comment, top_level
from graph_sandbox.engagement.mentions import add_mention, person
from graph_sandbox.engagement.send import append_message, open_conversation, unavailable_people
from graph_sandbox.insights.media import story_webhook_metrics
from graph_sandbox.registry import admin_router
from graph_sandbox.state import Sandbox
from graph_sandbox.world import InstagramUser, Media


class SimulatedComment(BaseModel):
    media_id: str
    text: str = Field(min_length=1)
    username: str = "sandbox.follower"
    parent_id: str | None = None


class SimulatedMention(BaseModel):
    ig_user_id: str
    username: str = "sandbox.fan"
    text: str | None = None
    in_comment: bool = True


class SimulatedMessage(BaseModel):
    ig_user_id: str
    text: str | None = None
    from_username: str = "sandbox.customer"
    attachment_url: str | None = None
    attachment_type: str = "image"


class Availability(BaseModel):
    username: str
    available: bool = False


class StoryExpired(BaseModel):
    media_id: str


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _media(sandbox: Sandbox, media_id: str) -> Media:
    media = sandbox.world.media.get(media_id)
    if media is None:
        raise HTTPException(404, f"No media {media_id}")
    return media


def _account(sandbox: Sandbox, ig_user_id: str) -> InstagramUser:
    ig = sandbox.world.ig_users.get(ig_user_id)
    if ig is None:
        raise HTTPException(404, f"No Instagram account {ig_user_id}")
    return ig


def _deliveries(items: list[webhooks.Delivery]) -> list[dict[str, Any]]:
    return [item.as_json() for item in items]


@admin_router.post("/simulate/comment")
async def simulate_comment(body: SimulatedComment, request: Request) -> dict[str, Any]:
    """A follower comments (or replies) on a media: stored, counted, delivered as a `comments` webhook."""
    sandbox = _sandbox(request)
    world, now = sandbox.world, sandbox.clock.now()
    media = _media(sandbox, body.media_id)
    if not media.comment_enabled or media.media_product_type == "STORY":
        raise HTTPException(409, f"Media {media.id} does not take comments")
    parent_id = None
    if body.parent_id:
        parent = live_comment(world, body.parent_id)
        if parent is None or parent.media_id != media.id:
            raise HTTPException(404, f"No comment {body.parent_id} on media {media.id}")
        parent_id = top_level(world, parent).id
    author = person(world, body.username)
    comment = add_comment(
        world,
        media,
        from_id=author.id,
        username=author.username,
        text=body.text,
        now=now,
        parent_id=parent_id,
    )
    entry = webhooks.changes_entry(media.ig_user_id, now, [webhooks.comment_change(comment, media)])
    sent = await webhooks.emit(sandbox, [entry])
    return {"id": comment.id, "parent_id": parent_id, "deliveries": _deliveries(sent)}


@admin_router.post("/simulate/mention")
async def simulate_mention(body: SimulatedMention, request: Request) -> dict[str, Any]:
    """Someone @mentions the account in a comment on their media (or in a caption): `mentions` webhook."""
    sandbox = _sandbox(request)
    world, now = sandbox.world, sandbox.clock.now()
    ig = _account(sandbox, body.ig_user_id)
    text = body.text or f"@{ig.username} love this!"
    media, comment = add_mention(
        world,
        ig,
        author=person(world, body.username),
        text=text,
        now=now,
        in_comment=body.in_comment,
        base_url=sandbox.config.base_url,
    )
    change = webhooks.mention_change(media.id, comment.id if comment else None)
    sent = await webhooks.emit(sandbox, [webhooks.changes_entry(ig.id, now, [change])])
    return {
        "media_id": media.id,
        "comment_id": comment.id if comment else None,
        "deliveries": _deliveries(sent),
    }


@admin_router.post("/simulate/message")
async def simulate_message(body: SimulatedMessage, request: Request) -> dict[str, Any]:
    """A person DMs the account: the conversation is created or bumped and a `messages` webhook is sent."""
    sandbox = _sandbox(request)
    world, now = sandbox.world, sandbox.clock.now()
    ig = _account(sandbox, body.ig_user_id)
    if not body.text and not body.attachment_url:
        raise HTTPException(422, "Give text or attachment_url")
    attachments = (
        [{"type": body.attachment_type, "payload": {"url": body.attachment_url}}]
        if body.attachment_url
        else []
    )
    conversation = open_conversation(world, ig, person(world, body.from_username), now)
    message = append_message(
        world, conversation, from_business=False, text=body.text, attachments=attachments, now=now
    )
    entry = webhooks.messaging_entry(ig.id, now, [webhooks.message_event(message, ig_user_id=ig.id)])
    sent = await webhooks.emit(sandbox, [entry])
    return {
        "conversation_id": conversation.id,
        "message_id": message.id,
        "sender_id": message.from_id,
        "deliveries": _deliveries(sent),
    }


@admin_router.post("/simulate/story-expired")
async def simulate_story_expired(body: StoryExpired, request: Request) -> dict[str, Any]:
    """A story reaches 24 h: its final numbers go out as a `story_insights` webhook."""
    sandbox = _sandbox(request)
    media = _media(sandbox, body.media_id)
    if media.media_product_type != "STORY":
        raise HTTPException(422, f"Media {media.id} is not a story")
    change = webhooks.story_insights_change(media.id, story_webhook_metrics(sandbox, media))
    entry = webhooks.changes_entry(media.ig_user_id, sandbox.clock.now(), [change])
    sent = await webhooks.emit(sandbox, [entry])
    return {"media_id": media.id, "deliveries": _deliveries(sent)}


@admin_router.post("/simulate/availability")
async def simulate_availability(body: Availability, request: Request) -> dict[str, Any]:
    """A person blocks the accounts or deactivates (`available: false`): sends to them get 551/1545041."""
    world = _sandbox(request).world
    someone = person(world, body.username)
    if body.available:
        unavailable_people(world).discard(someone.id)
    else:
        unavailable_people(world).add(someone.id)
    return {"id": someone.id, "username": someone.username, "available": body.available}
