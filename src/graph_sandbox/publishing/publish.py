"""`media_publish`, `content_publishing_limit` and `POST /{media-id}?comment_enabled=` (§3.4, §3.5, §4).

Publishing an already PUBLISHED container answers code 100 without a subcode, "(#100) The media
container <id> has already been published" (Meta's wording is undocumented); an ERROR container
answers its own processing error, e.g. 352/2207026.
"""

from __future__ import annotations

from typing import Any

from graph_sandbox.errors import GraphError, invalid_parameter
from graph_sandbox.publishing import lifecycle
from graph_sandbox.publishing.containers import PUBLISH_PERMISSIONS
from graph_sandbox.publishing.materialize import child_summaries, materialize
from graph_sandbox.publishing.media_nodes import parse_time
from graph_sandbox.publishing.meta_errors import (
    already_published,
    builder_missing,
    expired,
    not_ready,
    quota_reached,
)
from graph_sandbox.publishing.store import WINDOW, PublishedRecord, publishes_in_window, state_of
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import Container, InstagramUser, Media


def _readiness(call: GraphCall, container: Container) -> None:
    now = call.clock.now()
    code = lifecycle.resolve(container, now)
    if code == lifecycle.EXPIRED:
        raise expired()
    if code == lifecycle.PUBLISHED:
        raise already_published(container.id)
    if code == lifecycle.ERROR:
        subcode = container.error_subcode
        raise GraphError(container.error_code or -1, lifecycle.error_status(subcode or 0), subcode=subcode)
    if code != lifecycle.FINISHED:
        raise not_ready()
    for child_id in container.children:
        child = call.world.containers[child_id]
        child_code = lifecycle.resolve(child, now)
        if child_code == lifecycle.EXPIRED:
            raise expired()
        if child_code != lifecycle.FINISHED:
            raise not_ready()


@graph_handler(
    "ig_user",
    "media_publish",
    "POST",
    permissions=PUBLISH_PERMISSIONS,
    params=("creation_id", "field", "fields"),
)
async def media_publish(call: GraphCall) -> dict[str, Any]:
    """Publish a FINISHED container (carousel: the parent) within the rolling publishing quota."""
    ig: InstagramUser = call.node
    creation_id = call.require("creation_id")
    container = call.world.containers.get(creation_id)
    if container is None or container.ig_user_id != ig.id:
        raise builder_missing(creation_id)
    if container.is_carousel_item:
        raise invalid_parameter("(#100) Carousel items are published through their carousel container")
    now = call.clock.now()
    if publishes_in_window(call.world, ig.id, since=now - WINDOW, now=now) >= call.config.publish_quota:
        raise quota_reached()
    _readiness(call, container)
    media = materialize(call.world, call.sandbox.cdn, container, now)
    record = PublishedRecord(ig.id, media.id, container.id, now, container.media_type, dict(container.params))
    record.children = child_summaries(call.world, media)
    state_of(call.world).published.append(record)
    return {"id": media.id}


_LIMIT_FIELDS = ("quota_usage", "config")


@graph_handler(
    "ig_user",
    "content_publishing_limit",
    "GET",
    permissions=("instagram_basic", "instagram_content_publish"),
    params=("fields", "since"),
)
async def content_publishing_limit(call: GraphCall) -> dict[str, Any]:
    """`{"data": [{"quota_usage", "config"?}]}`; `since` must fall within the last 24 h."""
    ig: InstagramUser = call.node
    now = call.clock.now()
    since = parse_time(call.param("since"))
    if since is not None and (since < now - WINDOW or since > now):
        raise invalid_parameter(
            "(#100) The parameter since must be a unix timestamp within the last 24 hours"
        )
    wanted = [sel.name for sel in call.fields] if call.fields else ["quota_usage"]
    unknown = next((name for name in wanted if name not in _LIMIT_FIELDS), None)
    if unknown is not None:
        raise GraphError(
            100,
            f"(#100) Tried accessing nonexisting field ({unknown}) on node type (IGContentPublishingLimit)",
        )
    item: dict[str, Any] = {}
    if "quota_usage" in wanted:
        item["quota_usage"] = publishes_in_window(call.world, ig.id, since=since or now - WINDOW, now=now)
    if "config" in wanted:
        item["config"] = {
            "quota_total": call.config.publish_quota,
            "quota_duration": int(WINDOW.total_seconds()),
        }
    return {"data": [item]}


@graph_handler(
    "media",
    None,
    "POST",
    permissions=("instagram_basic", "instagram_manage_comments"),
    params=("comment_enabled",),
)
async def update_media(call: GraphCall) -> dict[str, Any]:
    """Only `comment_enabled` can change on published media."""
    media: Media = call.node
    enabled = call.bool_param("comment_enabled")
    if enabled is None:
        raise invalid_parameter("(#100) The parameter comment_enabled is required")
    media.comment_enabled = enabled
    return {"success": True}
