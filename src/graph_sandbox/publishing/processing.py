"""Fetch and inspect container media: images synchronously, videos in a background task.

Images (and reel covers) answer the create call with Meta's 36000/36001/36003/9004 errors. Videos are
fetched after the call returns; the outcome is recorded on the container and shows once
`config.video_processing_seconds` have passed (see `lifecycle.resolve`).
"""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any

import av

from graph_sandbox.errors import GraphError
from graph_sandbox.media_inspect import MIB, Inspection, MediaKind, MediaProblem, inspect
from graph_sandbox.publishing import lifecycle
from graph_sandbox.publishing.fetch import Fetched, fetch_media
from graph_sandbox.publishing.rules import Kind
from graph_sandbox.publishing.store import spawn
from graph_sandbox.state import Sandbox
from graph_sandbox.world import Container

MEDIA_KINDS = {
    Kind.IMAGE: MediaKind.FEED_IMAGE,
    Kind.CHILD_IMAGE: MediaKind.CAROUSEL_IMAGE,
    Kind.STORY_IMAGE: MediaKind.STORY_IMAGE,
    Kind.REELS: MediaKind.REEL,
    Kind.STORY_VIDEO: MediaKind.STORY_VIDEO,
    Kind.CHILD_VIDEO: MediaKind.CAROUSEL_VIDEO,
}
MAX_FETCH = {MediaKind.REEL: 300 * MIB, MediaKind.STORY_VIDEO: 100 * MIB, MediaKind.CAROUSEL_VIDEO: 100 * MIB}
THUMB_OFFSET_OUT_OF_RANGE = MediaProblem(
    1, 2207057, "Thumbnail offset out of range", "Invalid thumbnail offset", "thumb_offset >= video duration"
)


def as_graph_error(problem: MediaProblem) -> GraphError:
    """The synchronous error answer for a media problem."""
    return GraphError(
        problem.code,
        problem.message,
        subcode=problem.subcode,
        error_user_title=problem.user_title,
        error_user_msg=problem.user_msg,
    )


async def fetch_image(sandbox: Sandbox, url: str, kind: MediaKind) -> bytes:
    """Fetch and inspect an image now; raise Meta's error when it would be refused."""
    fetched = await fetch_media(sandbox.http_client, url, max_bytes=8 * MIB, config=sandbox.config)
    if isinstance(fetched, MediaProblem):
        raise as_graph_error(fetched)
    result = await asyncio.to_thread(inspect, fetched.data, kind)
    if result.error is not None:
        raise as_graph_error(result.error)
    return fetched.data


def start_image(sandbox: Sandbox, container: Container, data: bytes) -> None:
    """An image container: FINISHED now, or after `image_processing_seconds`."""
    container.extra["data"] = data
    container.content_type = "image/jpeg"
    delay = timedelta(seconds=sandbox.config.image_processing_seconds)
    lifecycle.mark_processing(container, container.created_at + delay)
    lifecycle.record_success(container)
    lifecycle.resolve(container, sandbox.clock.now())


def video_thumbnail(data: bytes, offset_ms: int) -> bytes:
    """A JPEG of the frame at `offset_ms` (or the last one before it)."""
    image = None
    with av.open(io.BytesIO(data), "r") as container:
        frames: Any = container.decode(video=0)  # PyAV's to_image() is untyped
        for frame in frames:
            image = frame.to_image()
            if frame.time is not None and frame.time * 1000 >= offset_ms:
                break
    out = io.BytesIO()
    if image is not None:
        image.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()


def _check_video(data: bytes, kind: MediaKind, thumb_offset: int | None) -> Inspection | MediaProblem:
    result = inspect(data, kind)
    if result.error is not None:
        return result.error
    duration_ms = int((result.video.duration if result.video else 0) * 1000)
    if thumb_offset is not None and thumb_offset >= duration_ms:
        return THUMB_OFFSET_OUT_OF_RANGE
    return result


async def process_video(sandbox: Sandbox, container: Container, source: str | bytes) -> None:
    """Fetch (unless bytes came through rupload), inspect, and record the outcome on the container."""
    kind = MEDIA_KINDS[Kind(container.extra["kind"])]
    if isinstance(source, bytes):
        fetched: Fetched | MediaProblem = Fetched(source, "video/mp4")
    else:
        fetched = await fetch_media(
            sandbox.http_client, source, max_bytes=MAX_FETCH[kind], config=sandbox.config
        )
    if isinstance(fetched, MediaProblem):
        lifecycle.record_failure(container, fetched.code, fetched.subcode or 2207052)
        return
    thumb_offset = container.extra.get("thumb_offset")
    outcome = await asyncio.to_thread(_check_video, fetched.data, kind, thumb_offset)
    if isinstance(outcome, MediaProblem):
        lifecycle.record_failure(container, outcome.code, outcome.subcode or 2207076)
        return
    thumbnail = await asyncio.to_thread(video_thumbnail, fetched.data, thumb_offset or 0)
    container.extra.update(
        data=fetched.data, thumbnail=thumbnail, duration=outcome.video and outcome.video.duration
    )
    container.content_type = "video/mp4"
    lifecycle.record_success(container)


def start_video(sandbox: Sandbox, container: Container, source: str | bytes) -> asyncio.Task[None]:
    """Begin processing a video container in the background."""
    delay = timedelta(seconds=sandbox.config.video_processing_seconds)
    lifecycle.mark_processing(container, sandbox.clock.now() + delay)
    return spawn(_guarded(sandbox, container, source))


async def _guarded(sandbox: Sandbox, container: Container, source: str | bytes) -> None:
    try:
        await process_video(sandbox, container, source)
    except Exception:  # any crash in processing is Meta's "unknown upload error", never a lost task
        lifecycle.record_failure(container, -1, 2207053)
