"""The `comment` node type and the comment edges: `/{media-id}/comments`, `/{comment-id}/replies` (§5 reads).

`comments` lists live top-level comments newest first (≤ 50 a page); `replies` lists a comment's live
replies oldest first. Deleted comments (and replies under them) are never returned; hidden ones are,
with `hidden: true`, because only the media owner's token can read them at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph_sandbox.clock import graph_time
from graph_sandbox.errors import unsupported_request
from graph_sandbox.fields import FieldSel
from graph_sandbox.nodes import (
    ABSENT,
    EdgeSpec,
    FieldGetter,
    NodeRef,
    NodeType,
    attr,
    node_type,
    register_node_type,
)
from graph_sandbox.paging import PagingStyle
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import Comment, Media, World

COMMENT_PERMISSIONS = ("instagram_basic", "instagram_manage_comments", "pages_read_engagement")
MAX_COMMENTS_PER_PAGE = 50
# `comments` and `replies` page forward only (`cursors.after` + `next`, recorded `comments_p1.json`);
# their last page has no `paging` key at all (recorded `comments_p2.json`, `replies.json`).
COMMENT_PAGING: PagingStyle = "forward"


def live_comment(world: World, comment_id: str) -> Comment | None:
    """The comment, unless it (or the comment it replies to) was deleted."""
    comment = world.comments.get(comment_id)
    if comment is None or comment.deleted:
        return None
    parent = world.comments.get(comment.parent_id) if comment.parent_id else None
    return None if parent is not None and parent.deleted else comment


def media_comments(media: Media, call: GraphCall, sel: FieldSel | None) -> Sequence[Comment]:
    """Top-level live comments of a media, newest first."""
    del sel
    return call.world.comments_of(media.id)


def comment_replies(comment: Comment, call: GraphCall, sel: FieldSel | None) -> Sequence[Comment]:
    """Live replies of a top-level comment, oldest first."""
    del sel
    if comment.deleted or comment.parent_id:
        return []
    return list(reversed(call.world.comments_of(comment.media_id, parent_id=comment.id)))


def _from(comment: Comment, call: GraphCall, sel: FieldSel) -> Any:
    del call, sel
    return {"id": comment.from_id, "username": comment.username}


def _media(comment: Comment, call: GraphCall, sel: FieldSel) -> Any:
    del sel
    media = call.world.media.get(comment.media_id)
    return NodeRef("media", media) if media else ABSENT


def _user(comment: Comment, call: GraphCall, sel: FieldSel) -> Any:
    del sel
    media = call.world.media.get(comment.media_id)
    owner = call.world.ig_users.get(media.ig_user_id) if media else None
    # `user` only appears on comments the app user (the account itself) wrote.
    return NodeRef("ig_user", owner) if owner and owner.id == comment.from_id else ABSENT


def _plain(func: Any) -> FieldGetter:
    def getter(obj: Any, call: GraphCall, sel: FieldSel) -> Any:
        del call, sel
        return func(obj)

    return getter


COMMENT_FIELDS: dict[str, FieldGetter] = {
    "text": attr("text"),
    "timestamp": _plain(lambda c: graph_time(c.timestamp)),
    "like_count": attr("like_count"),
    "hidden": attr("hidden"),
    "username": attr("username"),
    "from": _from,
    "media": _media,
    "parent_id": attr("parent_id"),
    "user": _user,
    "legacy_instagram_comment_id": _plain(lambda c: c.id),
}


def _owner_of(world: World, comment: Comment) -> str | None:
    media = world.media.get(comment.media_id)
    return media.ig_user_id if media else None


def _page_of(world: World, comment: Comment) -> str | None:
    owner = world.ig_users.get(_owner_of(world, comment) or "")
    return owner.page_id if owner else None


def register() -> None:
    """Register `comment` and add the `comments` edge to `media` (merging with publishing's registration)."""
    register_node_type(
        NodeType(
            kind="comment",
            type_name="IGComment",
            fields=dict(COMMENT_FIELDS),
            default_fields=("timestamp", "text", "id"),
            edges={
                "replies": EdgeSpec(
                    "comment",
                    comment_replies,
                    COMMENT_PERMISSIONS,
                    max_limit=MAX_COMMENTS_PER_PAGE,
                    paging=COMMENT_PAGING,
                )
            },
            read_permissions=COMMENT_PERMISSIONS,
            page_of=_page_of,
            ig_user_of=_owner_of,
        )
    )
    edge = EdgeSpec(
        "comment", media_comments, COMMENT_PERMISSIONS, max_limit=MAX_COMMENTS_PER_PAGE, paging=COMMENT_PAGING
    )
    media = node_type("media")
    if media is None:
        register_node_type(NodeType(kind="media", type_name="IGMedia", edges={"comments": edge}))
    else:
        media.edges["comments"] = edge


def require_live(call: GraphCall) -> Comment:
    """The comment in the path, or Meta's 100/33 when it was deleted."""
    comment = live_comment(call.world, str(call.node_id))
    if comment is None:
        raise unsupported_request(str(call.node_id), call.method)
    return comment


@graph_handler("comment", None, "GET", permissions=COMMENT_PERMISSIONS)
async def read_comment(call: GraphCall) -> dict[str, Any]:
    """`GET /{comment-id}`."""
    return call.render("comment", require_live(call))


@graph_handler("comment", "replies", "GET", permissions=COMMENT_PERMISSIONS)
async def read_replies(call: GraphCall) -> dict[str, Any]:
    """`GET /{comment-id}/replies`."""
    comment = require_live(call)
    replies = comment_replies(comment, call, None)
    return call.page("comment", replies, max_limit=MAX_COMMENTS_PER_PAGE, paging=COMMENT_PAGING)


register()
