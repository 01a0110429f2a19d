"""Comment writes (§5): comment on a media, reply, hide/unhide, delete — all only for the media owner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph_sandbox.engagement.comment_nodes import COMMENT_PERMISSIONS, require_live
from graph_sandbox.errors import GraphError, missing_parameter, permission_denied
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import Comment, InstagramUser, Media, TokenKind, World

MAX_COMMENT_CHARS = 2200
COMMENTS_DISABLED = "(#100) Comments are disabled for this media"
HIDDEN_NO_REPLY = "(#100) Cannot reply to a hidden comment"


def comments_disabled() -> GraphError:
    """Writing a comment where the owner turned comments off [unconfirmed wording, GRAPH_API.md §5]."""
    return GraphError(
        100,
        COMMENTS_DISABLED,
        error_user_title="Comments are turned off",
        error_user_msg="Comments have been turned off for this post.",
    )


def _owner(call: GraphCall, media: Media) -> InstagramUser:
    """The media owner's account, checking that the token acts for it (only the owner may moderate)."""
    owner = call.world.ig_users.get(media.ig_user_id)
    token = call.token
    if owner is None or (
        token is not None and token.kind is TokenKind.PAGE and token.page_id != owner.page_id
    ):
        raise permission_denied()
    return owner


def _message(call: GraphCall) -> str:
    text = call.param("message")
    if text is None or not text.strip():
        raise missing_parameter("message")
    if len(text) > MAX_COMMENT_CHARS:
        raise GraphError(100, f"(#100) The comment can be at most {MAX_COMMENT_CHARS} characters long")
    return text


def add_comment(
    world: World,
    media: Media,
    *,
    from_id: str,
    username: str,
    text: str,
    now: datetime,
    parent_id: str | None = None,
) -> Comment:
    """Store a new comment (or a reply when `parent_id` is given) and return it."""
    comment = Comment(
        id=world.ids.media(),
        media_id=media.id,
        text=text,
        timestamp=now,
        from_id=from_id,
        username=username,
        parent_id=parent_id,
    )
    world.comments[comment.id] = comment
    return comment


def top_level(world: World, comment: Comment) -> Comment:
    """The top-level comment of a thread (replies to replies attach there)."""
    return world.comments.get(comment.parent_id, comment) if comment.parent_id else comment


@graph_handler("media", "comments", "POST", permissions=COMMENT_PERMISSIONS, params=("message",))
async def create_comment(call: GraphCall) -> dict[str, Any]:
    """`POST /{media-id}/comments?message=` -> `{"id"}`."""
    media: Media = call.node
    owner = _owner(call, media)
    text = _message(call)
    if not media.comment_enabled:
        raise comments_disabled()
    comment = add_comment(
        call.world, media, from_id=owner.id, username=owner.username, text=text, now=call.clock.now()
    )
    return {"id": comment.id}


@graph_handler("comment", "replies", "POST", permissions=COMMENT_PERMISSIONS, params=("message",))
async def create_reply(call: GraphCall) -> dict[str, Any]:
    """`POST /{comment-id}/replies?message=` -> `{"id"}`; a reply to a reply joins the top-level thread."""
    addressed = require_live(call)
    parent = top_level(call.world, addressed)
    media = call.world.media[parent.media_id]
    owner = _owner(call, media)
    text = _message(call)
    if addressed.hidden or parent.hidden:
        raise GraphError(100, HIDDEN_NO_REPLY)
    if not media.comment_enabled:
        raise comments_disabled()
    reply = add_comment(
        call.world,
        media,
        from_id=owner.id,
        username=owner.username,
        text=text,
        now=call.clock.now(),
        parent_id=parent.id,
    )
    return {"id": reply.id}


@graph_handler("comment", None, "POST", permissions=COMMENT_PERMISSIONS, params=("hide",))
async def hide_comment(call: GraphCall) -> dict[str, Any]:
    """`POST /{comment-id}?hide=true|false`; the owner's own comments always stay visible."""
    comment = require_live(call)
    media = call.world.media[comment.media_id]
    owner = _owner(call, media)
    hide = call.bool_param("hide")
    if hide is None:
        raise missing_parameter("hide")
    if comment.from_id != owner.id:
        comment.hidden = hide
    return {"success": True}


@graph_handler("comment", None, "DELETE", permissions=COMMENT_PERMISSIONS, params=())
async def delete_comment(call: GraphCall) -> dict[str, Any]:
    """`DELETE /{comment-id}`: the media owner may delete anyone's comment."""
    comment = require_live(call)
    _owner(call, call.world.media[comment.media_id])
    comment.deleted = True
    return {"success": True}
