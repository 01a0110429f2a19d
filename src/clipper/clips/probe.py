"""Probe a stored file with Pillow and PyAV: kind, geometry, timing, codecs, and facts for qualify."""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
from PIL import Image, UnidentifiedImageError

from clipper.clips.models import ClipKind

IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
_IMAGE_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_VIDEO_SUFFIXES = {"mov": ".mov", "mp4": ".mp4", "matroska": ".mkv", "webm": ".webm"}


class UnsupportedMedia(Exception):
    """The file is not an image or video we can use; the message says why."""


@dataclass
class Probed:
    """What probing found: the clip's columns plus extra facts kept in `probe` JSON."""

    kind: ClipKind
    content_type: str
    suffix: str
    width: int
    height: int
    duration_seconds: float | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_audio: bool = False
    rotation: int = 0
    facts: dict[str, Any] = field(default_factory=dict)

    def columns(self) -> dict[str, Any]:
        """The values for the Clip's columns."""
        names = ("kind", "content_type", "width", "height", "duration_seconds", "fps")
        more = ("video_codec", "audio_codec", "has_audio", "rotation")
        return {name: getattr(self, name) for name in names + more} | {"probe": self.facts}


def probe_file(path: Path) -> Probed:
    """Probe `path` (blocking); UnsupportedMedia when it is neither a usable image nor a video."""
    image = _probe_image(path)
    return image if image is not None else _probe_video(path)


def _probe_image(path: Path) -> Probed | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt = str(image.format)
                if fmt not in IMAGE_FORMATS:
                    raise UnsupportedMedia(f"Images must be JPEG, PNG or WebP; this one is {fmt}.")
                size, mode, icc = image.size, image.mode, bool(image.info.get("icc_profile"))
                frames = getattr(image, "n_frames", 1)
                image.load()
    except UnidentifiedImageError:
        return None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnsupportedMedia(f"The image is corrupt or truncated ({exc}).") from None
    facts = {"format": fmt, "mode": mode, "icc_profile": icc, "frames": frames}
    return Probed(ClipKind.IMAGE, _IMAGE_TYPES[fmt], IMAGE_FORMATS[fmt], size[0], size[1], facts=facts)


def _probe_video(path: Path) -> Probed:
    try:
        with av.open(str(path), "r") as container:
            if not container.streams.video:
                raise UnsupportedMedia("The file has no video stream: upload an image or a video.")
            return _video_facts(container, path)
    except (av.FFmpegError, ValueError, IndexError, StopIteration):
        raise UnsupportedMedia(
            "The file is not an image or video we can read (it may be corrupt): "
            "upload JPEG, PNG, WebP, MP4 or MOV."
        ) from None


def _first_frame(container: Any) -> Any:
    return next(iter(container.decode(video=0)))


def _video_facts(container: Any, path: Path) -> Probed:
    video = container.streams.video[0]
    audio = container.streams.audio[0] if container.streams.audio else None
    frame = _first_frame(container)
    # PyAV reports the display matrix counterclockwise; the "rotate" tag convention is clockwise.
    rotation = -int(frame.rotation or 0) % 360
    duration = container.duration / 1_000_000 if container.duration else 0.0
    if duration <= 0:
        raise UnsupportedMedia("The video has no duration: it may be a still image or corrupt.")
    size = path.stat().st_size
    rate = video.average_rate or video.guessed_rate
    names = set(str(container.format.name).split(","))
    short = next((name for name in ("mp4", "matroska", "webm") if name in names), sorted(names)[0])
    if short == "mp4" and str(container.metadata.get("major_brand", "")).strip() == "qt":
        short = "mov"
    moov_first, complete = mp4_layout(path) if short in ("mp4", "mov") else (False, True)
    if not complete:
        raise UnsupportedMedia("The video file is truncated or corrupt: upload it again.")
    width, height = (video.height, video.width) if rotation in (90, 270) else (video.width, video.height)
    facts = {
        "container": short,
        "coded_width": video.width,
        "coded_height": video.height,
        "pix_fmt": video.codec_context.pix_fmt,
        "bitrate": int(video.bit_rate or (size * 8 / duration)),
        "audio_rate": audio.sample_rate if audio is not None else 0,
        "audio_channels": audio.channels if audio is not None else 0,
        "moov_first": moov_first,
    }
    return Probed(
        kind=ClipKind.VIDEO,
        content_type="video/quicktime" if short == "mov" else f"video/{short}",
        suffix=_VIDEO_SUFFIXES.get(short, ".bin"),
        width=width,
        height=height,
        duration_seconds=duration,
        fps=round(float(rate), 3) if rate else None,
        video_codec=video.codec_context.name,
        audio_codec=audio.codec_context.name if audio is not None else None,
        has_audio=audio is not None,
        rotation=rotation,
        facts=facts,
    )


def mp4_layout(path: Path) -> tuple[bool, bool]:
    """Walk the top-level MP4 boxes: (`moov` before `mdat`, every box lies wholly inside the file)."""
    moov_seen = mdat_first = False
    with path.open("rb") as handle:
        offset, total = 0, path.stat().st_size
        while offset + 8 <= total:
            handle.seek(offset)
            header = handle.read(16)
            size, box = struct.unpack(">I4s", header[:8])
            if size == 1 and len(header) == 16:
                size = struct.unpack(">Q", header[8:16])[0]
            elif size == 0:
                size = total - offset
            if size < 8 or offset + size > total:
                return moov_seen and not mdat_first, False
            moov_seen = moov_seen or box == b"moov"
            mdat_first = mdat_first or (box == b"mdat" and not moov_seen)
            offset += size
    return moov_seen and not mdat_first, offset == total
