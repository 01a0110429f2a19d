"""Content publishing: containers, status, media_publish and the publishing quota (GRAPH_API.md §3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Unpack

from clipper.instagram.core import GraphCore
from clipper.instagram.errors import RequestValidationError
from clipper.instagram.options import (
    CAROUSEL,
    IMAGE,
    IMAGE_CHILD,
    REELS,
    STORIES,
    VIDEO_CHILD,
    ContainerOptions,
    check_caption,
    check_children,
    check_url,
    container_params,
)
from clipper.instagram.schemas import ContainerStatus, PublishingLimit

VideoMediaType = Literal["REELS", "VIDEO", "STORIES"]


def _video_kind(media_type: str, is_carousel_item: bool | None) -> str:
    if media_type == "VIDEO":
        if is_carousel_item is False:
            raise RequestValidationError(
                "'VIDEO' is only valid for carousel items since 2023-11-09: use media_type='REELS'.",
                option="media_type",
                media_type="VIDEO",
            )
        return VIDEO_CHILD
    if is_carousel_item:
        raise RequestValidationError(
            f"'is_carousel_item' is not allowed ({media_type} container): carousel videos use 'VIDEO'.",
            option="is_carousel_item",
            media_type=media_type,
        )
    if media_type not in (REELS, STORIES):
        raise RequestValidationError(
            f"'media_type' must be REELS, VIDEO or STORIES for a video, not {media_type!r}.",
            option="media_type",
            media_type=media_type,
        )
    return media_type


class PublishingMixin(GraphCore):
    """Create containers, follow their processing, publish them."""

    async def _create_container(self, ig_account_id: str, params: dict[str, Any]) -> str:
        # A retried create would leave a duplicate container behind, so creates are never repeated.
        body = await self._post(f"{ig_account_id}/media", params, idempotent=False)
        return str(body["id"])

    async def create_image_container(
        self,
        ig_account_id: str,
        image_url: str,
        caption: str | None = None,
        *,
        is_carousel_item: bool = False,
        **options: Unpack[ContainerOptions],
    ) -> str:
        """Create a single-image (or carousel image item) container; returns its id."""
        kind = IMAGE_CHILD if is_carousel_item else IMAGE
        check_url("image_url", kind, image_url)
        check_caption(kind, caption)
        params = container_params(kind, options)
        params.update(image_url=image_url, caption=caption)
        if is_carousel_item:
            params["is_carousel_item"] = True
        return await self._create_container(ig_account_id, params)

    async def create_video_container(
        self,
        ig_account_id: str,
        video_url: str | None = None,
        caption: str | None = None,
        media_type: VideoMediaType = "REELS",
        *,
        is_carousel_item: bool | None = None,
        **options: Unpack[ContainerOptions],
    ) -> str:
        """Create a reel, video story or carousel video item container; returns its id."""
        kind = _video_kind(media_type, is_carousel_item)
        resumable = options.get("upload_type") == "resumable"
        if video_url is None and not resumable:
            raise RequestValidationError(
                f"'video_url' is required unless upload_type='resumable' ({kind} container).",
                option="video_url",
                media_type=kind,
            )
        check_url("video_url", kind, video_url)
        check_caption(kind, caption)
        params = container_params(kind, options)
        params.update(media_type=media_type, video_url=video_url, caption=caption)
        if kind == VIDEO_CHILD:
            params["is_carousel_item"] = True
        return await self._create_container(ig_account_id, params)

    async def create_carousel_container(
        self,
        ig_account_id: str,
        children: Sequence[str],
        caption: str | None = None,
        **options: Unpack[ContainerOptions],
    ) -> str:
        """Create a carousel container from 2-10 child container ids; returns its id."""
        params = container_params(CAROUSEL, options)
        check_caption(CAROUSEL, caption)
        params.update(media_type="CAROUSEL", children=check_children(children), caption=caption)
        return await self._create_container(ig_account_id, params)

    async def create_story_container(
        self,
        ig_account_id: str,
        image_url: str | None = None,
        video_url: str | None = None,
        **options: Unpack[ContainerOptions],
    ) -> str:
        """Create an image or video story container; returns its id."""
        if image_url is not None and "upload_type" in options:
            raise RequestValidationError(
                "'upload_type' is not allowed (image STORIES container).",
                option="upload_type",
                media_type=STORIES,
            )
        resumable = options.get("upload_type") == "resumable"
        if (image_url is None) == (video_url is None and not resumable):
            raise RequestValidationError(
                "A story takes exactly one of 'image_url' or 'video_url'.",
                option="image_url" if image_url else "video_url",
                media_type=STORIES,
            )
        check_url("image_url", STORIES, image_url)
        check_url("video_url", STORIES, video_url)
        params = container_params(STORIES, options)
        params.update(media_type="STORIES", image_url=image_url, video_url=video_url)
        return await self._create_container(ig_account_id, params)

    async def check_container_status(self, container_id: str) -> ContainerStatus:
        """A container's `status_code` (IN_PROGRESS, FINISHED, PUBLISHED, ERROR, EXPIRED) and `status`."""
        body = await self._get(container_id, {"fields": "id,status_code,status"})
        return ContainerStatus.model_validate(body)

    async def publish_container(self, ig_account_id: str, creation_id: str) -> str:
        """Publish a FINISHED container; returns the media id. Never retried: see OutcomeUnknownError."""
        body = await self._post(
            f"{ig_account_id}/media_publish", {"creation_id": creation_id}, idempotent=False
        )
        return str(body["id"])

    async def get_content_publishing_limit(
        self, ig_account_id: str, since: int | None = None
    ) -> PublishingLimit:
        """Posts published in the rolling 24 h window and the quota."""
        body = await self._get(
            f"{ig_account_id}/content_publishing_limit", {"fields": "quota_usage,config", "since": since}
        )
        rows = body.get("data") or [{}]
        return PublishingLimit.model_validate(rows[0])
