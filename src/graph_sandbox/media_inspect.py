"""Inspect fetched media bytes the way Meta does (GRAPH_API.md §3.6) and name the error it would give.

Probing (Pillow / PyAV → `ImageInfo` / `VideoInfo`) is separate from the rules (`check_image` /
`check_video`, pure functions over those infos), so the rules can be tested with any numbers.
Video subcodes: container, codec, audio codec and a `moov` after `mdat` → 2207026 (unsupported
format); duration, aspect, frame rate, width, size and bitrate → 2207076 (processing rejected).
Edit lists are not rejected: every AAC encoder writes one for its priming samples.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import av
from PIL import Image, UnidentifiedImageError

MIB = 1024 * 1024


class MediaKind(StrEnum):
    """What a piece of media is going to become; the rules differ per kind."""

    FEED_IMAGE = "feed_image"
    CAROUSEL_IMAGE = "carousel_image"
    STORY_IMAGE = "story_image"
    COVER = "cover"
    REEL = "reel"
    STORY_VIDEO = "story_video"
    CAROUSEL_VIDEO = "carousel_video"


@dataclass(frozen=True)
class MediaProblem:
    """One reason Meta would refuse the media, with the exact error it would send."""

    code: int
    subcode: int | None
    message: str
    user_title: str
    user_msg: str


@dataclass(frozen=True)
class ImageInfo:
    """What Pillow sees in an image."""

    format: str
    width: int
    height: int
    size: int


@dataclass(frozen=True)
class VideoInfo:
    """What PyAV sees in a video file."""

    container: str
    video_codec: str | None
    width: int
    height: int
    duration: float
    fps: float
    size: int
    bitrate: int
    audio_codec: str | None = None
    audio_rate: int = 0
    audio_channels: int = 0
    moov_first: bool = True


@dataclass(frozen=True)
class Inspection:
    """The outcome of inspecting one file: its facts and every problem found (first one wins)."""

    kind: MediaKind
    problems: tuple[MediaProblem, ...] = ()
    image: ImageInfo | None = None
    video: VideoInfo | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when Meta would accept the media."""
        return not self.problems

    @property
    def error(self) -> MediaProblem | None:
        """The problem Meta reports (the first one)."""
        return self.problems[0] if self.problems else None


IMAGE_TOO_LARGE = MediaProblem(
    36000,
    2207004,
    "The image size is too large.",
    "Image size too large",
    "The image is too large to download. It should be less than 8 MiB.",
)
IMAGE_FORMAT = MediaProblem(
    36001,
    2207005,
    "The image format is not supported.",
    "Unsupported image format",
    "The image format is not supported. Supported formats are: JPEG.",
)
VIDEO_FORMAT = MediaProblem(
    352,
    2207026,
    "The video format is not supported. Please check spec for supported video formats.",
    "Unsupported video format",
    "The video format is not supported. Please check spec for supported video formats.",
)


def image_aspect_problem(ratio: float) -> MediaProblem:
    """36003/2207009 for an image outside 4:5 … 1.91:1."""
    return MediaProblem(
        36003,
        2207009,
        "The aspect ratio is not supported.",
        "Unsupported aspect ratio",
        f"The submitted image with aspect ratio ('{ratio:.4g}') cannot be published. "
        "Please submit an image with a valid aspect ratio.",
    )


def fetch_problem(url: str) -> MediaProblem:
    """9004/2207052: the media URL could not be fetched."""
    return MediaProblem(
        9004,
        2207052,
        "Only photo or video can be accepted as media type.",
        "Media download has failed.",
        f"The media could not be fetched from this uri: {url}. Please check the uri and try again.",
    )


def video_rejected(detail: str) -> MediaProblem:
    """2207076: the video was decoded but breaks a processing rule (duration, aspect, fps …)."""
    return MediaProblem(
        -1,
        2207076,
        "The video could not be processed.",
        "Video processing failed",
        f"The video does not meet the requirements: {detail}.",
    )


@dataclass(frozen=True)
class _VideoSpec:
    min_seconds: float
    max_seconds: float
    min_aspect: float
    max_aspect: float
    max_bytes: int


_VIDEO_SPECS = {
    MediaKind.REEL: _VideoSpec(3, 15 * 60, 0.01, 10.0, 300 * MIB),
    MediaKind.STORY_VIDEO: _VideoSpec(3, 60, 0.1, 10.0, 100 * MIB),
    MediaKind.CAROUSEL_VIDEO: _VideoSpec(3, 60, 0.8, 16 / 9, 100 * MIB),
}
_IMAGE_ASPECT_KINDS = {MediaKind.FEED_IMAGE, MediaKind.CAROUSEL_IMAGE}
_ASPECT_SLACK = 0.005  # 1080x566 is "1.91:1" to everyone, though it is 1.908.
MAX_VIDEO_WIDTH = 1920
MAX_VIDEO_BITRATE = 25_000_000


def probe_image(data: bytes) -> ImageInfo | None:
    """Read format and size with Pillow; None when it is not an image at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return ImageInfo(str(image.format), image.width, image.height, len(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None


def check_image(info: ImageInfo | None, kind: MediaKind) -> list[MediaProblem]:
    """Meta's image rules for `kind` (feed, carousel, story, reel cover)."""
    if info is None or info.format != "JPEG":
        return [IMAGE_FORMAT]
    problems = []
    if info.size > 8 * MIB:
        problems.append(IMAGE_TOO_LARGE)
    ratio = info.width / info.height if info.height else 0.0
    if kind in _IMAGE_ASPECT_KINDS and not 0.8 - _ASPECT_SLACK <= ratio <= 1.91 + _ASPECT_SLACK:
        problems.append(image_aspect_problem(ratio))
    return problems


def inspect_image(data: bytes, kind: MediaKind) -> Inspection:
    """Probe and check an image; widths outside 320–1440 are noted (Meta rescales them)."""
    info = probe_image(data)
    notes: tuple[str, ...] = ()
    if info is not None and not 320 <= info.width <= 1440:
        notes = (f"width {info.width} is scaled into 320..1440",)
    return Inspection(kind, tuple(check_image(info, kind)), image=info, notes=notes)


def moov_before_mdat(data: bytes) -> bool:
    """True when the top-level `moov` box comes before `mdat` (a "faststart" file)."""
    offset = 0
    while offset + 8 <= len(data):
        size, box = struct.unpack(">I4s", data[offset : offset + 8])
        if box == b"moov":
            return True
        if box == b"mdat":
            return False
        if size == 1 and offset + 16 <= len(data):
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        if size < 8:
            return False
        offset += size
    return False


def _stream_facts(container: Any, size: int) -> VideoInfo:
    video = container.streams.video[0] if container.streams.video else None
    audio = container.streams.audio[0] if container.streams.audio else None
    duration = container.duration / 1_000_000 if container.duration else 0.0
    rate = (video.average_rate or video.guessed_rate) if video is not None else None
    bitrate = (video.bit_rate if video is not None else 0) or (int(size * 8 / duration) if duration else 0)
    return VideoInfo(
        container=str(container.format.name),
        video_codec=video.codec_context.name if video is not None else None,
        width=video.width if video is not None else 0,
        height=video.height if video is not None else 0,
        duration=duration,
        fps=float(rate) if rate else 0.0,
        size=size,
        bitrate=int(bitrate),
        audio_codec=audio.codec_context.name if audio is not None else None,
        audio_rate=audio.sample_rate if audio is not None else 0,
        audio_channels=audio.channels if audio is not None else 0,
    )


def probe_video(data: bytes) -> VideoInfo | None:
    """Read the container and streams with PyAV; None when FFmpeg cannot open it."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            facts = _stream_facts(container, len(data))
    except (av.FFmpegError, ValueError, IndexError):
        return None
    return VideoInfo(**{**facts.__dict__, "moov_first": moov_before_mdat(data)})


def _format_ok(info: VideoInfo) -> bool:
    containers = set(info.container.split(","))
    audio_ok = info.audio_codec in (None, "aac") and info.audio_rate <= 48_000 and info.audio_channels <= 2
    return bool({"mp4", "mov"} & containers) and info.video_codec in ("h264", "hevc") and audio_ok


def check_video(info: VideoInfo | None, kind: MediaKind) -> list[MediaProblem]:
    """Meta's video rules for a reel, a video story or a carousel video child."""
    if info is None or not _format_ok(info) or not info.moov_first:
        return [VIDEO_FORMAT]
    spec = _VIDEO_SPECS[kind]
    ratio = info.width / info.height if info.height else 0.0
    checks = [
        (spec.min_seconds <= info.duration <= spec.max_seconds, f"duration {info.duration:.1f}s"),
        (spec.min_aspect - _ASPECT_SLACK <= ratio <= spec.max_aspect + _ASPECT_SLACK, f"aspect {ratio:.3f}"),
        (23 <= round(info.fps, 2) <= 60, f"frame rate {info.fps:g} fps"),
        (info.width <= MAX_VIDEO_WIDTH, f"width {info.width}px"),
        (info.size <= spec.max_bytes, f"size {info.size} bytes"),
        (info.bitrate <= MAX_VIDEO_BITRATE, f"bitrate {info.bitrate} bps"),
    ]
    return [video_rejected(detail) for ok, detail in checks if not ok]


def inspect_video(data: bytes, kind: MediaKind) -> Inspection:
    """Probe and check a video (blocking: run it in a worker thread)."""
    info = probe_video(data)
    return Inspection(kind, tuple(check_video(info, kind)), video=info)


def inspect(data: bytes, kind: MediaKind) -> Inspection:
    """Inspect bytes as the media `kind` needs (image kinds with Pillow, video kinds with PyAV)."""
    if kind in _VIDEO_SPECS:
        return inspect_video(data, kind)
    return inspect_image(data, kind)
