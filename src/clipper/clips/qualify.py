"""Per-media-type validation of a clip against Meta's media specs (GRAPH_API.md §3.6), in plain words.

The rules match what the Graph sandbox checks (and what Meta documents), and are stricter where the
product is opinionated: reels and stories must be 9:16, videos upright, 4:2:0 and no faster than 60 fps.
A clip that qualifies here is accepted by Meta's fetcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import gcd

from clipper.clips.models import Clip, ClipKind, ClipStatus

MEDIA_TYPES = ("IMAGE", "REELS", "STORIES", "CAROUSEL_ITEM")
MIB = 1024 * 1024
MAX_IMAGE_BYTES = 8 * MIB
MAX_VIDEO_WIDTH = 1920
MAX_VIDEO_BITRATE = 25_000_000
IMAGE_ASPECT = (0.8, 1.91)
VERTICAL = 9 / 16
_SLACK = 0.005
_NAMED_RATIOS = {
    "9:16": 9 / 16,
    "4:5": 0.8,
    "1:1": 1.0,
    "4:3": 4 / 3,
    "3:2": 1.5,
    "16:9": 16 / 9,
    "1.91:1": 1.91,
}
_LABELS = {"IMAGE": "feed images", "REELS": "reels", "STORIES": "stories", "CAROUSEL_ITEM": "carousel items"}
_FIX = "conform it"


@dataclass(frozen=True)
class Qualification:
    """Whether a clip can be published as one media type, and every reason it cannot."""

    ok: bool
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VideoSpec:
    """The limits of one video media type."""

    label: str
    min_seconds: float
    max_seconds: float
    aspect: tuple[float, float]
    max_bytes: int


VIDEO_SPECS = {
    "REELS": VideoSpec("reels", 3, 15 * 60, (VERTICAL, VERTICAL), 300 * MIB),
    "STORIES": VideoSpec("stories", 3, 60, (VERTICAL, VERTICAL), 100 * MIB),
    "CAROUSEL_ITEM": VideoSpec("carousel videos", 3, 60, (0.8, 16 / 9), 100 * MIB),
}


def aspect_name(width: int, height: int) -> str:
    """A ratio as people say it: 16:9, 4:5, or 1.23:1."""
    if not width or not height:
        return "unknown"
    ratio = width / height
    for name, value in _NAMED_RATIOS.items():
        if abs(ratio - value) <= value * 0.01:
            return name
    divisor = gcd(width, height)
    if width // divisor <= 32 and height // divisor <= 32:
        return f"{width // divisor}:{height // divisor}"
    return f"{ratio:.2f}:1"


def _aspect_range(low: float, high: float) -> str:
    if low == high:
        return "9:16" if low == VERTICAL else f"{low:.2f}:1"
    names = {value: name for name, value in _NAMED_RATIOS.items()}
    return f"{names.get(low, f'{low:.2f}:1')} to {names.get(high, f'{high:.2f}:1')}"


def _aspect_ok(width: int, height: int, low: float, high: float) -> bool:
    if not width or not height:
        return False
    ratio = width / height
    slack = 0.01 * low if low == high else _SLACK
    return low - slack <= ratio <= high + slack


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _jpeg_reasons(clip: Clip) -> list[str]:
    fmt = str(clip.probe.get("format", ""))
    reasons = []
    if fmt == "MPO":
        reasons.append(f"image is a multi-picture JPEG (MPO); Instagram takes plain JPEG only — {_FIX}")
    elif fmt != "JPEG":
        reasons.append(f"image is {fmt or 'not a JPEG'}; Instagram takes JPEG only — {_FIX}")
    if clip.size_bytes > MAX_IMAGE_BYTES:
        reasons.append(f"image is {_megabytes(clip.size_bytes)}; images may be at most 8 MiB — {_FIX}")
    return reasons


def _image_reasons(clip: Clip, media_type: str) -> list[str]:
    reasons = _jpeg_reasons(clip)
    width, height = clip.width or 0, clip.height or 0
    low, high = (VERTICAL, VERTICAL) if media_type == "STORIES" else IMAGE_ASPECT
    if not _aspect_ok(width, height, low, high):
        reasons.append(
            f"image is {aspect_name(width, height)} at {width}×{height}; "
            f"{_LABELS[media_type]} need {_aspect_range(low, high)} — {_FIX}"
        )
    return reasons


def _format_reasons(clip: Clip) -> list[str]:
    facts = clip.probe
    container = str(facts.get("container", ""))
    reasons = []
    if container not in ("mp4", "mov"):
        reasons.append(f"video container is {container or 'unknown'}; Instagram takes MP4 or MOV — {_FIX}")
    elif not facts.get("moov_first"):
        reasons.append(
            f"the file's index (moov atom) comes after the media data; it must come first — {_FIX}"
        )
    if clip.video_codec not in ("h264", "hevc"):
        reasons.append(f"video codec is {clip.video_codec}; Instagram takes H.264 or HEVC — {_FIX}")
    if facts.get("pix_fmt") not in ("yuv420p", "yuvj420p"):
        reasons.append(f"pixel format is {facts.get('pix_fmt')}; Instagram needs 4:2:0 (yuv420p) — {_FIX}")
    if clip.audio_codec not in (None, "aac"):
        reasons.append(f"audio codec is {clip.audio_codec}; Instagram takes AAC — {_FIX}")
    if int(facts.get("audio_rate", 0)) > 48_000 or int(facts.get("audio_channels", 0)) > 2:
        reasons.append(f"audio must be at most 48 kHz, mono or stereo — {_FIX}")
    if clip.rotation:
        reasons.append(
            f"video is stored rotated by {clip.rotation}°; {_FIX} so every player shows it upright"
        )
    return reasons


def _video_reasons(clip: Clip, spec: VideoSpec) -> list[str]:
    reasons = _format_reasons(clip)
    duration, fps = clip.duration_seconds or 0.0, clip.fps or 0.0
    width, height = clip.width or 0, clip.height or 0
    if duration < spec.min_seconds:
        reasons.append(f"video is {duration:.1f} s long; {spec.label} need at least {spec.min_seconds:g} s")
    elif duration > spec.max_seconds:
        reasons.append(
            f"video is {duration:.1f} s long; {spec.label} allow at most {spec.max_seconds:g} s — trim it"
        )
    if not _aspect_ok(width, height, *spec.aspect):
        reasons.append(
            f"video is {aspect_name(width, height)} at {width}×{height}; "
            f"{spec.label} need {_aspect_range(*spec.aspect)} — {_FIX}"
        )
    if not 23 <= round(fps, 2) <= 60:
        reasons.append(f"video runs at {fps:g} fps; Instagram needs 23 to 60 fps — {_FIX}")
    if max(width, int(clip.probe.get("coded_width", 0))) > MAX_VIDEO_WIDTH:
        reasons.append(f"video is {width} px wide; at most {MAX_VIDEO_WIDTH} px are allowed — {_FIX}")
    if clip.size_bytes > spec.max_bytes:
        reasons.append(
            f"video is {_megabytes(clip.size_bytes)}; {spec.label} may be at most "
            f"{spec.max_bytes // MIB} MiB — {_FIX} or trim it"
        )
    if int(clip.probe.get("bitrate", 0)) > MAX_VIDEO_BITRATE:
        reasons.append(f"video bitrate is above 25 Mbps — {_FIX}")
    return reasons


def qualifies_for(clip: Clip, media_type: str) -> list[str]:
    """Every reason `clip` cannot be published as `media_type` (empty when it can)."""
    if media_type not in MEDIA_TYPES:
        raise ValueError(f"unknown media type {media_type!r}")
    if clip.status is ClipStatus.PROCESSING:
        return ["clip is still being processed"]
    if clip.status is ClipStatus.FAILED:
        return [f"clip failed to process: {clip.error_message or 'unknown error'}"]
    if clip.kind is ClipKind.IMAGE:
        if media_type == "REELS":
            return ["reels need a video; this clip is an image"]
        return _image_reasons(clip, media_type)
    if media_type == "IMAGE":
        return ["IMAGE posts need a photo; this clip is a video — publish it as REELS"]
    return _video_reasons(clip, VIDEO_SPECS[media_type])


def cover_reasons(clip: Clip) -> list[str]:
    """Every reason `clip` cannot be a reel's cover (`cover_url`: a JPEG of at most 8 MiB, any aspect)."""
    if clip.status is not ClipStatus.READY or clip.kind is not ClipKind.IMAGE:
        return ["a reel cover must be a ready image clip"]
    return _jpeg_reasons(clip)


def qualify(clip: Clip) -> dict[str, Qualification]:
    """The qualification of `clip` for every media type."""
    result = {}
    for media_type in MEDIA_TYPES:
        reasons = qualifies_for(clip, media_type)
        result[media_type] = Qualification(ok=not reasons, reasons=reasons)
    return result
