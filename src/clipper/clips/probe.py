"""Probe a stored file with Pillow and PyAV: kind, geometry, timing, codecs, and facts for qualify.

Files come from anyone, so probing refuses what could cost unbounded work before any decoding starts:
only the containers we accept are opened (MP4/MOV, Matroska/WebM; JPEG, PNG, WebP), with FFmpeg's demuxer
named rather than guessed; Pillow's decompression-bomb guard is on; a video over `MAX_DURATION_SECONDS`,
`MAX_VIDEO_PIXELS` or `MAX_FRAMES`, or an MP4 of more than `MAX_TOP_LEVEL_BOXES` boxes, is refused.
Probing runs in a child process with CPU, memory and time limits (`isolation`).
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clipper.clips.models import ClipKind

IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
_IMAGE_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_VIDEO_SUFFIXES = {"mov": ".mov", "mp4": ".mp4", "matroska": ".mkv", "webm": ".webm"}
# Reels run up to 15 minutes; longer sources are accepted to be trimmed, within reason.
MAX_DURATION_SECONDS = 3 * 60 * 60
MAX_VIDEO_PIXELS = 7680 * 4320  # 8K UHD
MAX_FRAMES = 1_000_000
MAX_IMAGE_PIXELS = 64_000_000
# A camera's MP4 has a handful of top-level boxes (ftyp, moov, mdat, free, uuid…).
MAX_TOP_LEVEL_BOXES = 1_000
_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"pnot", b"meta"}
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_OTHER_IMAGES = ((b"GIF8", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))
_REFUSED_CONTAINER = (
    "The file is not an image or video we can read (it may be corrupt): upload JPEG, PNG, WebP, MP4 or MOV."
)


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
    # Imported here: a worker that never probes media (the publishing engine) does not load Pillow.
    from PIL import Image, UnidentifiedImageError

    # Pillow's guard refuses a small file that decodes into billions of pixels (a decompression bomb).
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # MPO (a phone's multi-picture JPEG) opens through the JPEG plugin.
            with Image.open(path, formats=["JPEG", "PNG", "WEBP"]) as image:
                fmt = str(image.format)
                if fmt not in IMAGE_FORMATS:
                    raise UnsupportedMedia(f"Images must be JPEG, PNG or WebP; this one is {fmt}.")
                size, mode, icc = image.size, image.mode, bool(image.info.get("icc_profile"))
                frames = getattr(image, "n_frames", 1)
                image.load()
    except UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnsupportedMedia(
            f"The image has too many pixels (at most {MAX_IMAGE_PIXELS:,}): resize it and upload it again."
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedMedia(f"The image is corrupt or truncated ({exc}).") from None
    facts = {"format": fmt, "mode": mode, "icc_profile": icc, "frames": frames}
    return Probed(ClipKind.IMAGE, _IMAGE_TYPES[fmt], IMAGE_FORMATS[fmt], size[0], size[1], facts=facts)


def _other_image_format(head: bytes) -> str | None:
    """The name of an image format we refuse, recognised by its magic bytes (never decoded)."""
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "AVIF" if head[8:12] == b"avif" else "HEIC"
    for magic, name in _OTHER_IMAGES:
        if head.startswith(magic):
            return name
    return None


def demuxer_for(path: Path) -> str:
    """FFmpeg's demuxer for the file's container, from its first bytes; UnsupportedMedia for any other."""
    with path.open("rb") as handle:
        head = handle.read(12)
    other = _other_image_format(head)
    if other is not None:
        raise UnsupportedMedia(f"Images must be JPEG, PNG or WebP; this one is {other}.")
    if head[:4] == _EBML_MAGIC:
        return "matroska"
    if len(head) >= 8 and head[4:8] in _MP4_BOXES:
        return "mov"
    raise UnsupportedMedia(_REFUSED_CONTAINER)


def _probe_video(path: Path) -> Probed:
    import av  # here: PyAV's FFmpeg libraries cost a process that never probes a video ~20 MB

    demuxer = demuxer_for(path)
    if demuxer == "mov":
        mp4_layout(path)  # refuses a file of countless tiny boxes before FFmpeg walks them
    try:
        with av.open(str(path), "r", format=demuxer) as container:
            if not container.streams.video:
                raise UnsupportedMedia("The file has no video stream: upload an image or a video.")
            _check_size(container)
            return _video_facts(container, path, demuxer)
    except (av.FFmpegError, ValueError, IndexError, StopIteration):
        raise UnsupportedMedia(_REFUSED_CONTAINER) from None


def _check_size(container: Any) -> None:
    """Refuse, before decoding a frame, a video longer, larger or denser than we ever process."""
    video = container.streams.video[0]
    duration = container.duration / 1_000_000 if container.duration else 0.0
    if duration > MAX_DURATION_SECONDS:
        raise UnsupportedMedia(
            f"The video claims to last {duration:,.0f} s; at most {MAX_DURATION_SECONDS:,} s are accepted: "
            "trim it before uploading."
        )
    if (video.width or 0) * (video.height or 0) > MAX_VIDEO_PIXELS:
        raise UnsupportedMedia(
            f"The video is {video.width}×{video.height}; at most 8K (7680×4320) is accepted."
        )
    rate = float(video.average_rate or video.guessed_rate or 0)
    frames = max(int(video.frames or 0), int(duration * rate))
    if frames > MAX_FRAMES:
        raise UnsupportedMedia(f"The video has about {frames:,} frames; at most {MAX_FRAMES:,} are accepted.")


def _first_frame(container: Any) -> Any:
    return next(iter(container.decode(video=0)))


def _video_facts(container: Any, path: Path, demuxer: str) -> Probed:
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
    if demuxer == "matroska":
        short = "matroska"
    else:
        short = "mov" if str(container.metadata.get("major_brand", "")).strip() == "qt" else "mp4"
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
    """Walk the top-level MP4 boxes: (`moov` before `mdat`, every box lies wholly inside the file).

    UnsupportedMedia past `MAX_TOP_LEVEL_BOXES`: a real video has a handful, a hostile one millions.
    """
    moov_seen = mdat_first = False
    with path.open("rb") as handle:
        offset, total, boxes = 0, path.stat().st_size, 0
        while offset + 8 <= total:
            boxes += 1
            if boxes > MAX_TOP_LEVEL_BOXES:
                raise UnsupportedMedia(
                    f"The MP4 file is made of more than {MAX_TOP_LEVEL_BOXES:,} boxes: it is not a "
                    "camera's or an editor's video. Export it again."
                )
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
