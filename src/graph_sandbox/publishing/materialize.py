"""Turn a FINISHED container into Media objects: files on the CDN, shortcode, permalink (§3.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph_sandbox.cdn import CdnStore
from graph_sandbox.publishing import lifecycle
from graph_sandbox.publishing.media_nodes import media_ig_id
from graph_sandbox.publishing.rules import Kind
from graph_sandbox.world import Container, Media, World

_TYPES: dict[Kind, tuple[str, str]] = {
    Kind.IMAGE: ("IMAGE", "FEED"),
    Kind.REELS: ("VIDEO", "REELS"),
    Kind.STORY_IMAGE: ("IMAGE", "STORY"),
    Kind.STORY_VIDEO: ("VIDEO", "STORY"),
    Kind.CAROUSEL: ("CAROUSEL_ALBUM", "FEED"),
    Kind.CHILD_IMAGE: ("IMAGE", "FEED"),
    Kind.CHILD_VIDEO: ("VIDEO", "FEED"),
}

_KEPT_EXTRA = ("user_tags", "collaborators", "trial_params", "thumb_offset")


def kind_of(container: Container) -> Kind:
    """The container's kind as `rules.classify` decided it."""
    return Kind(container.extra["kind"])


def _permalink(world: World, cdn: CdnStore, media: Media, kind: Kind) -> str:
    # Carousel children get a permalink of their own (`/p/{child shortcode}/`) although GRAPH_API.md §4
    # says `permalink` is "not available on carousel children": every recording of children has one
    # (`medias/children.json`, the inline `children` of `media_default.json`, `medias_fields.json` and
    # `users/medias_p2.json`), §4 itself lists `permalink` among the `/children` fields [doc/obs], and
    # the sandbox must answer with the recorded shapes. Seeded carousels (content_seed.py) do the same.
    if kind in (Kind.STORY_IMAGE, Kind.STORY_VIDEO):
        username = world.ig_users[media.ig_user_id].username
        return f"{cdn.base_url}/stories/{username}/{media_ig_id(media.id)}"
    route = "reel" if kind is Kind.REELS else "p"
    return f"{cdn.base_url}/{route}/{media.shortcode}/"


def _files(cdn: CdnStore, media: Media, container: Container) -> None:
    data: bytes | None = container.extra.get("data")
    if data is None:
        return
    media.media_url = cdn.put(data, container.content_type or "application/octet-stream")
    if media.media_type == "VIDEO":
        thumbnail = container.extra.get("cover") or container.extra.get("thumbnail")
        if thumbnail:
            media.thumbnail_url = cdn.put(thumbnail, "image/jpeg")


def _one(world: World, cdn: CdnStore, container: Container, now: datetime) -> Media:
    kind = kind_of(container)
    media_type, product = _TYPES[kind]
    media = Media(
        id=world.ids.media(),
        ig_user_id=container.ig_user_id,
        media_type=media_type,
        media_product_type=product,
        timestamp=now,
        shortcode=world.ids.shortcode(),
        permalink="",
        caption=container.caption if kind not in (Kind.CHILD_IMAGE, Kind.CHILD_VIDEO) else None,
        alt_text=container.params.get("alt_text"),
        container_id=container.id,
    )
    media.permalink = _permalink(world, cdn, media, kind)
    if kind is Kind.REELS:
        share: bool | None = container.extra.get("share_to_feed")
        media.is_shared_to_feed = True if share is None else share
    media.extra.update(
        {key: container.extra[key] for key in _KEPT_EXTRA if container.extra.get(key) is not None}
    )
    media.extra.update(
        {k: container.params[k] for k in ("location_id", "audio_name") if k in container.params}
    )
    _files(cdn, media, container)
    world.media[media.id] = media
    lifecycle.mark_published(container, media.id)
    return media


def materialize(world: World, cdn: CdnStore, container: Container, now: datetime) -> Media:
    """Create the media (and, for a carousel, its children) and mark the containers PUBLISHED."""
    media = _one(world, cdn, container, now)
    for child_id in container.children:
        child = _one(world, cdn, world.containers[child_id], now)
        child.parent_id = media.id
        media.children.append(child.id)
    if media.children:
        media.media_url = world.media[media.children[0]].media_url
    return media


def child_summaries(world: World, media: Media) -> list[dict[str, Any]]:
    """Per child: ids, type and the params its container was created with (for the admin listing)."""
    result = []
    for child_id in media.children:
        child = world.media[child_id]
        container = world.containers.get(child.container_id or "")
        result.append(
            {
                "media_id": child.id,
                "container_id": child.container_id,
                "media_type": child.media_type,
                "media_url": child.media_url,
                "params": dict(container.params) if container else {},
            }
        )
    return result
