"""Build the Graph containers of a post: parameters per media type, children first, resumable uploads."""

from __future__ import annotations

import json
from typing import Any

from clipper.clips import service as clips
from clipper.clips.models import Clip, ClipKind
from clipper.config import Settings, VideoUpload
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.errors import InstagramGraphAPIError
from clipper.social.models import MediaType, SocialPost, SocialPostMedia
from clipper.social.validation import full_caption

UPLOAD_PENDING = "upload_pending"
UPLOADED = "uploaded"


def public_url(settings: Settings, clip: Clip) -> str:
    """A signed URL Meta can fetch the clip from."""
    return clips.public_url(clip, settings=settings)


def caption_of(post: SocialPost) -> str | None:
    """The caption Instagram receives (text and hashtags)."""
    return caption_from(post.caption, post.hashtags)


def caption_from(caption: str | None, hashtags: str | None) -> str | None:
    """The caption Instagram receives from a post's `caption` and `hashtags` columns."""
    return full_caption(caption, json.loads(hashtags) if hashtags else [])


def _tags(post: SocialPost, *, positioned: bool) -> list[dict[str, Any]] | None:
    tags = post.options.get("user_tags")
    if not tags:
        return None
    if positioned:
        return [{"username": t["username"], "x": t.get("x"), "y": t.get("y")} for t in tags]
    return [{k: v for k, v in t.items() if v is not None} for t in tags]


def feed_options(post: SocialPost) -> dict[str, Any]:
    """Options of a feed container (image, reel, carousel parent) that the post sets."""
    options = post.options
    found: dict[str, Any] = {}
    if options.get("location_id"):
        found["location_id"] = options["location_id"]
    if options.get("collaborators"):
        found["collaborators"] = list(options["collaborators"])
    return found


def _video_source(settings: Settings, clip: Clip, api: InstagramGraphAPI) -> dict[str, Any]:
    if is_resumable(settings, clip, api):
        return {"upload_type": "resumable"}
    return {"video_url": public_url(settings, clip)}


async def create_image(
    api: InstagramGraphAPI, ig: str, post: SocialPost, clip: Clip, settings: Settings
) -> str:
    """The container of an IMAGE post."""
    options = feed_options(post)
    if post.options.get("alt_text"):
        options["alt_text"] = post.options["alt_text"]
    if (tags := _tags(post, positioned=True)) is not None:
        options["user_tags"] = tags
    return await api.create_image_container(ig, public_url(settings, clip), caption_of(post), **options)


async def create_reel(
    api: InstagramGraphAPI, ig: str, post: SocialPost, clip: Clip, cover: Clip | None, settings: Settings
) -> str:
    """The container of a REELS post (resumable unless videos go by URL)."""
    options: dict[str, Any] = feed_options(post) | _video_source(settings, clip, api)
    source = options.pop("video_url", None)
    if post.options.get("share_to_feed") is not None:
        options["share_to_feed"] = post.options["share_to_feed"]
    if cover is not None:
        options["cover_url"] = public_url(settings, cover)
    if post.options.get("thumb_offset_ms") is not None:
        options["thumb_offset"] = post.options["thumb_offset_ms"]
    if post.options.get("trial_graduation"):
        options["trial_params"] = {"graduation_strategy": post.options["trial_graduation"]}
    if (tags := _tags(post, positioned=False)) is not None:
        options["user_tags"] = tags
    return await api.create_video_container(ig, source, caption_of(post), "REELS", **options)


async def create_story(
    api: InstagramGraphAPI, ig: str, post: SocialPost, clip: Clip, settings: Settings
) -> str:
    """The container of an image or video story."""
    options: dict[str, Any] = {}
    if (tags := _tags(post, positioned=clip.kind is ClipKind.IMAGE)) is not None:
        options["user_tags"] = tags
    if clip.kind is ClipKind.IMAGE:
        return await api.create_story_container(ig, image_url=public_url(settings, clip), **options)
    source = _video_source(settings, clip, api)
    return await api.create_story_container(ig, video_url=source.pop("video_url", None), **source, **options)


async def create_child(api: InstagramGraphAPI, ig: str, item: SocialPostMedia, settings: Settings) -> str:
    """The container of one carousel item (image, or VIDEO child)."""
    clip = item.clip
    if clip.kind is ClipKind.IMAGE:
        return await api.create_image_container(ig, public_url(settings, clip), is_carousel_item=True)
    source = _video_source(settings, clip, api)
    return await api.create_video_container(
        ig, source.pop("video_url", None), None, "VIDEO", is_carousel_item=True, **source
    )


async def create_parent(api: InstagramGraphAPI, ig: str, post: SocialPost) -> str:
    """The carousel container over the children, in order."""
    children = [item.container_id for item in post.media if item.container_id]
    return await api.create_carousel_container(ig, children, caption_of(post), **feed_options(post))


def is_resumable(settings: Settings, clip: Clip, api: InstagramGraphAPI) -> bool:
    """True when the clip's container waits for our upload. Never for Instagram Login accounts: resumable
    upload is "available only for apps that have implemented Facebook Login for Business" (Meta, "Upload
    Video to Meta Servers"), so their videos go by `video_url`."""
    return (
        clip.kind is ClipKind.VIDEO
        and settings.publish_video_upload is VideoUpload.RUPLOAD
        and api.resumable_upload
    )


async def upload(api: InstagramGraphAPI, container_id: str, clip: Clip, settings: Settings) -> None:
    """Send the clip's bytes to the resumable container (resuming from the server's offset)."""
    path = clips.clip_path(clip, settings=settings)
    try:
        await api.upload_video(container_id, path)
    except InstagramGraphAPIError:
        # A worker that died after every byte arrived but before recording it: rupload refuses a
        # second upload ("already completed"), and the container needs nothing more from us.
        if await api.get_upload_offset(container_id) < path.stat().st_size:
            raise


def main_clip(post: SocialPost) -> Clip:
    """The clip of a single-media post."""
    assert post.media_type is not MediaType.CAROUSEL
    assert post.clip is not None
    return post.clip
