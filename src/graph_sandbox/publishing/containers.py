"""`POST /{ig-user-id}/media`: create a container (GRAPH_API.md §3.1, §3.2 session start)."""

from __future__ import annotations

from typing import Any

from graph_sandbox.errors import invalid_parameter, unknown_parameter
from graph_sandbox.media_inspect import MediaKind
from graph_sandbox.permissions import LoginFlavour
from graph_sandbox.publishing import lifecycle
from graph_sandbox.publishing.meta_errors import (
    carousel_size_error,
    container_quota_error,
    invalid_location,
    trial_not_eligible,
)
from graph_sandbox.publishing.processing import MEDIA_KINDS, fetch_image, start_image, start_video
from graph_sandbox.publishing.rules import CREATE_PARAMS, VIDEO_KINDS, ContainerSpec, Kind, validate
from graph_sandbox.publishing.store import containers_in_window, state_of
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import Container, InstagramUser

PUBLISH_PERMISSIONS = ("instagram_basic", "instagram_content_publish", "pages_read_engagement")
IMAGE_KINDS = frozenset({Kind.IMAGE, Kind.STORY_IMAGE, Kind.CHILD_IMAGE})


def _check_children(call: GraphCall, ig: InstagramUser, children: list[str]) -> None:
    if not 2 <= len(children) <= 10:
        raise carousel_size_error()
    now = call.clock.now()
    for child_id in children:
        child = call.world.containers.get(child_id)
        if child is None or child.ig_user_id != ig.id or not child.is_carousel_item:
            raise invalid_parameter(f"(#100) Invalid carousel item container id {child_id}")
        if lifecycle.resolve(child, now) in (lifecycle.EXPIRED, lifecycle.ERROR, lifecycle.PUBLISHED):
            raise invalid_parameter(f"(#100) The carousel item container {child_id} cannot be used")


def check_account_rules(call: GraphCall, ig: InstagramUser, spec: ContainerSpec) -> None:
    """The rules that need the world: quota, location, trial eligibility, carousel children."""
    if containers_in_window(call.world, ig.id, call.clock.now()) >= call.config.container_quota:
        raise container_quota_error(call.config.container_quota)
    location = call.param("location_id")
    if location is not None and location not in state_of(call.world).locations:
        raise invalid_location()
    if spec.trial_params is not None and not ig.trial_reels_eligible:
        raise trial_not_eligible()
    if spec.kind is Kind.CAROUSEL:
        _check_children(call, ig, call.list_param("children") or [])


def _new_container(call: GraphCall, ig: InstagramUser, spec: ContainerSpec) -> Container:
    container = Container(
        id=call.world.ids.media(),
        ig_user_id=ig.id,
        created_at=call.clock.now(),
        media_type=spec.media_type,
        params={k: v for k, v in call.params.items() if k not in ("access_token", "appsecret_proof")},
        caption=call.param("caption"),
        image_url=call.param("image_url"),
        video_url=call.param("video_url"),
        children=(call.list_param("children") or []) if spec.kind is Kind.CAROUSEL else [],
        is_carousel_item=spec.kind in (Kind.CHILD_IMAGE, Kind.CHILD_VIDEO),
        upload_type=call.param("upload_type"),
    )
    container.extra.update(
        kind=spec.kind.value,
        user_tags=spec.user_tags,
        collaborators=spec.collaborators,
        trial_params=spec.trial_params,
        thumb_offset=spec.thumb_offset,
        share_to_feed=spec.share_to_feed,
    )
    return container


def rupload_uri(call: GraphCall, container_id: str) -> str:
    """Where the bytes of a resumable session go (stands in for rupload.facebook.com)."""
    return f"{call.config.base_url}/rupload/ig-api-upload/{call.version}/{container_id}"


async def _prepare(call: GraphCall, container: Container, spec: ContainerSpec) -> None:
    if spec.kind in IMAGE_KINDS:
        data = await fetch_image(call.sandbox, container.image_url or "", MEDIA_KINDS[spec.kind])
        start_image(call.sandbox, container, data)
    elif spec.kind is Kind.CAROUSEL:
        lifecycle.mark_processing(container, container.created_at)
        lifecycle.record_success(container)
        lifecycle.resolve(container, call.clock.now())
    cover_url = call.param("cover_url")
    if cover_url is not None:
        container.extra["cover"] = await fetch_image(call.sandbox, cover_url, MediaKind.COVER)


def _check_host_params(call: GraphCall) -> None:
    """graph.instagram.com's container endpoint does not take `upload_type`: resumable uploads are "available
    only for apps that have implemented Facebook Login for Business" (Meta, "Upload Video to Meta Servers",
    https://developers.facebook.com/documentation/instagram-platform/content-publishing/resumable-uploads;
    the Content Publishing guide's endpoint list says the same of `upload_type=resumable`,
    https://developers.facebook.com/docs/instagram-platform/content-publishing/). Meta documents the
    restriction, not its error: the answer is the one for any parameter an endpoint does not take (100)."""
    if call.host is LoginFlavour.INSTAGRAM and "upload_type" in call.params:
        raise unknown_parameter("upload_type")


@graph_handler("ig_user", "media", "POST", permissions=PUBLISH_PERMISSIONS, params=CREATE_PARAMS)
async def create_container(call: GraphCall) -> dict[str, Any]:
    """Validate the request, fetch images now (videos later), and return the container id."""
    ig: InstagramUser = call.node
    _check_host_params(call)
    spec = validate(call.params)
    check_account_rules(call, ig, spec)
    container = _new_container(call, ig, spec)
    await _prepare(call, container, spec)
    call.world.containers[container.id] = container
    if spec.kind in VIDEO_KINDS:
        if container.upload_type == "resumable":
            container.extra["awaiting_upload"] = True
            return {"id": container.id, "uri": rupload_uri(call, container.id)}
        start_video(call.sandbox, container, container.video_url or "")
    return {"id": container.id}
