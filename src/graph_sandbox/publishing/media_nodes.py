"""The `media` and `container` node types and the IG user's `media` / `stories` edges (GRAPH_API.md §4).

Registering merges with whatever another module already added to the kind (the engagement module
adds `comments` to `media`), so import order does not matter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_sandbox.clock import graph_time
from graph_sandbox.errors import invalid_parameter
from graph_sandbox.fields import FieldSel
from graph_sandbox.nodes import (
    ABSENT,
    EdgeSpec,
    FieldGetter,
    NodeRef,
    NodeType,
    attr,
    extend_node_type,
    node_type,
    register_node_type,
)
from graph_sandbox.publishing import lifecycle
from graph_sandbox.registry import GraphCall
from graph_sandbox.world import Container, Media, World

READ_PERMISSIONS = ("instagram_basic",)


def media_ig_id(media_id: str) -> str:
    """A stable 19-digit legacy Instagram id for a media id."""
    return str(2_000_000_000_000_000_000 + int(hashlib.sha256(media_id.encode()).hexdigest(), 16) % 10**18)


def _owner_ig_id(media: Media, call: GraphCall) -> str:
    owner = call.world.ig_users.get(media.ig_user_id)
    return str(owner.ig_id) if owner else "0"


def _get(func: Any) -> FieldGetter:
    def getter(obj: Any, call: GraphCall, sel: FieldSel) -> Any:
        del sel
        return func(obj, call)

    return getter


def _comments(media: Media, call: GraphCall) -> int:
    return sum(1 for c in call.world.comments.values() if c.media_id == media.id and not c.deleted)


def _owner(media: Media, call: GraphCall) -> Any:
    owner = call.world.ig_users.get(media.ig_user_id)
    return NodeRef("ig_user", owner) if owner else ABSENT


def _username(media: Media, call: GraphCall) -> Any:
    owner = call.world.ig_users.get(media.ig_user_id)
    return owner.username if owner else ABSENT


MEDIA_FIELDS: dict[str, FieldGetter] = {
    "caption": _get(lambda m, _: ABSENT if m.caption is None or m.is_carousel_child else m.caption),
    "media_type": attr("media_type"),
    "media_product_type": attr("media_product_type"),
    "media_url": attr("media_url"),
    "thumbnail_url": _get(
        lambda m, _: m.thumbnail_url if m.media_type == "VIDEO" and m.thumbnail_url else ABSENT
    ),
    "permalink": _get(lambda m, _: m.permalink or ABSENT),
    "shortcode": attr("shortcode"),
    "timestamp": _get(lambda m, _: graph_time(m.timestamp)),
    "username": _get(_username),
    "owner": _get(_owner),
    "like_count": attr("like_count"),
    "comments_count": _get(_comments),
    "is_comment_enabled": attr("comment_enabled"),
    "is_shared_to_feed": _get(
        lambda m, _: m.is_shared_to_feed if m.media_product_type == "REELS" else ABSENT
    ),
    "alt_text": attr("alt_text"),
    "ig_id": _get(lambda m, _: media_ig_id(m.id)),
    "legacy_instagram_media_id": _get(lambda m, call: f"{media_ig_id(m.id)}_{_owner_ig_id(m, call)}"),
    "total_comments_count": _get(_comments),
    "total_like_count": attr("like_count"),
    "total_views_count": attr("view_count"),
    "view_count": attr("view_count"),
    "reposts_count": _get(lambda m, _: int(m.extra.get("reposts_count", 0))),
    "saved_count": _get(lambda m, _: int(m.extra.get("saved_count", 0))),
    "shares_count": _get(lambda m, _: int(m.extra.get("shares_count", 0))),
}


def _copyright(container: Container, call: GraphCall) -> dict[str, Any]:
    code = lifecycle.resolve(container, call.clock.now())
    status = {lifecycle.IN_PROGRESS: "in_progress", lifecycle.ERROR: "error"}.get(code, "completed")
    if container.extra.get("kind") not in ("REELS", "STORY_VIDEO", "CHILD_VIDEO"):
        status = "not_started"
    return {"matches_found": False, "status": status}


def _status_code(container: Container, call: GraphCall) -> str:
    return lifecycle.resolve(container, call.clock.now())


def _status(container: Container, call: GraphCall) -> str:
    lifecycle.resolve(container, call.clock.now())
    return container.status


CONTAINER_FIELDS: dict[str, FieldGetter] = {
    "status_code": _get(_status_code),
    "status": _get(_status),
    "copyright_check_status": _get(_copyright),
}


def parse_time(value: str | None) -> datetime | None:
    """`since`/`until`: a Unix timestamp or an ISO-8601 date(-time); GraphError(100) otherwise."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromtimestamp(int(value), UTC) if value.isdigit() else datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise invalid_parameter(f"(#100) Invalid time value: {value}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _window(call: GraphCall, sel: FieldSel | None, name: str) -> datetime | None:
    value = sel.modifier(name) if sel is not None else None
    return parse_time(value if value is not None else (call.param(name) if sel is None else None))


def account_media(ig: Any, call: GraphCall, sel: FieldSel | None) -> Sequence[Media]:
    """Feed media of an account, newest first, bounded by `since` / `until`."""
    since, until = _window(call, sel, "since"), _window(call, sel, "until")
    return [
        m
        for m in call.world.media_of(ig.id)
        if (since is None or m.timestamp >= since) and (until is None or m.timestamp <= until)
    ]


def account_stories(ig: Any, call: GraphCall, sel: FieldSel | None) -> Sequence[Media]:
    """Stories of the last 24 h, newest first."""
    del sel
    cutoff = call.clock.now() - timedelta(hours=24)
    return [m for m in call.world.media_of(ig.id, stories=True) if m.timestamp > cutoff]


def _media_id(media: Media) -> str:
    return str(media.id)


def _children(media: Media, call: GraphCall, sel: FieldSel | None) -> Sequence[Media]:
    del sel
    return [call.world.media[child] for child in media.children if child in call.world.media]


def _page_of_ig(world: World, ig_user_id: str) -> str | None:
    ig = world.ig_users.get(ig_user_id)
    return ig.page_id if ig else None


def _ig_user_of(world: World, obj: Any) -> str | None:
    del world
    return str(obj.ig_user_id)


def _register(kind: str, type_name: str, fields: dict[str, FieldGetter], edges: dict[str, EdgeSpec]) -> None:
    existing = node_type(kind)
    merged = NodeType(
        kind=kind,
        type_name=type_name,
        fields={**(existing.fields if existing else {}), **fields},
        edges={**(existing.edges if existing else {}), **edges},
        read_permissions=READ_PERMISSIONS,
        page_of=lambda world, obj: _page_of_ig(world, obj.ig_user_id),
        ig_user_of=_ig_user_of,
    )
    register_node_type(merged)


def register() -> None:
    """Register `media` and `container`, and add `media` / `stories` to `ig_user`."""
    # Every recorded `children` (the edge and inline) is a single page without `paging`.
    children = EdgeSpec("media", _children, paging="forward")
    _register("media", "IGMedia", MEDIA_FIELDS, {"children": children})
    _register("container", "ShadowIGMediaBuilder", CONTAINER_FIELDS, {})
    import graph_sandbox.core_nodes  # noqa: F401  (registers `ig_user` before it is extended)

    # The IG User media edge answers `{"data": [...], "paging": {...}}` and defers paging to the Graph
    # API guide (https://developers.facebook.com/docs/graph-api/reference/shadow-ig-user/media/), whose
    # cursors each mark one item (https://developers.facebook.com/docs/graph-api/results/): a media
    # published between two page reads does not shift the next page.
    edges = {
        "media": EdgeSpec("media", account_media, permissions=READ_PERMISSIONS, cursor_key=_media_id),
        "stories": EdgeSpec("media", account_stories, permissions=READ_PERMISSIONS, cursor_key=_media_id),
    }
    extend_node_type("ig_user", edges=edges)
