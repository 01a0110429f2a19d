"""Plans for new media: the geometry (crop or pad into an aspect range), frame rate and time window.

Pure functions over a clip's probed facts; `transcode` runs them. A plan that cannot work (a video too
short for reels, an image asked to become a reel) raises TranscodeError with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from clipper.clips.models import Clip, ClipKind
from clipper.clips.qualify import IMAGE_ASPECT, VERTICAL, VIDEO_SPECS

FITS = ("crop", "pad")


class TranscodeError(Exception):
    """The clip cannot be turned into what was asked; the message says why."""


@dataclass(frozen=True)
class Geometry:
    """Crop `region` (x, y, w, h) out of the upright source, scale it to `scaled`, centre it on `canvas`."""

    region: tuple[int, int, int, int]
    scaled: tuple[int, int]
    canvas: tuple[int, int]


@dataclass(frozen=True)
class Plan:
    """Everything a transcode needs to know."""

    kind: ClipKind
    geometry: Geometry
    rotation: int = 0
    fps: Fraction = Fraction(30)
    start: float = 0.0
    end: float | None = None


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def _canvas(width: float, height: float, target: float) -> tuple[int, int]:
    out_w, out_h = _even(width), _even(height)
    if target == VERTICAL:
        out_w = 2 * round(out_h * 9 / 32)
        if abs(out_w / out_h - VERTICAL) > 0.0045:
            out_h = max(32, out_h // 32 * 32)
            out_w = out_h * 9 // 16
    return out_w, out_h


def geometry(
    width: int,
    height: int,
    *,
    aspect: tuple[float, float],
    fit: str,
    max_size: tuple[int, int],
    min_width: int = 0,
) -> Geometry:
    """Fit an upright `width`×`height` picture into the aspect range by cropping or padding, within bounds."""
    ratio = width / height
    target = min(max(ratio, aspect[0]), aspect[1])
    if fit == "crop":
        region_w, region_h = (height * target, height) if ratio > target else (width, width / target)
        box_w, box_h = region_w, region_h
    else:
        region_w, region_h = width, height
        box_w, box_h = (width, width / target) if ratio > target else (height * target, height)
    scale = min(1.0, max_size[0] / box_w, max_size[1] / box_h)
    if box_w * scale < min_width:
        scale = min_width / box_w
    canvas = _canvas(box_w * scale, box_h * scale, target)
    region = (round((width - region_w) / 2), round((height - region_h) / 2), round(region_w), round(region_h))
    if fit == "crop":
        return Geometry(region, canvas, canvas)
    scaled = (min(canvas[0], _even(width * scale)), min(canvas[1], _even(height * scale)))
    return Geometry(region, scaled, canvas)


def _frame_rate(fps: float | None) -> Fraction:
    if fps and 23 <= fps <= 60:
        return Fraction(fps).limit_denominator(1001)
    return Fraction(30)


def plan_conform(clip: Clip, *, media_type: str, fit: str) -> Plan:
    """The plan making `clip` meet `media_type`; TranscodeError when no conversion can."""
    if fit not in FITS:
        raise TranscodeError(f"fit must be one of {', '.join(FITS)}.")
    width, height = clip.width or 0, clip.height or 0
    if not width or not height:
        raise TranscodeError("The clip has no known dimensions.")
    if clip.kind is ClipKind.IMAGE:
        return _plan_image(width, height, media_type=media_type, fit=fit)
    if media_type not in VIDEO_SPECS:
        raise TranscodeError(
            f"A video cannot become {media_type}: conform it for REELS, STORIES or CAROUSEL_ITEM."
        )
    spec = VIDEO_SPECS[media_type]
    duration = clip.duration_seconds or 0.0
    if duration < spec.min_seconds:
        raise TranscodeError(
            f"The video is {duration:.1f} s long; {spec.label} need at least {spec.min_seconds:g} s."
        )
    max_size = (1080, 1920) if spec.aspect[0] == VERTICAL else (1920, 1920)
    shape = geometry(width, height, aspect=spec.aspect, fit=fit, max_size=max_size)
    end = min(duration, spec.max_seconds) if duration > spec.max_seconds else None
    return Plan(ClipKind.VIDEO, shape, rotation=clip.rotation, fps=_frame_rate(clip.fps), end=end)


def _plan_image(width: int, height: int, *, media_type: str, fit: str) -> Plan:
    if media_type == "STORIES":
        shape = geometry(width, height, aspect=(VERTICAL, VERTICAL), fit=fit, max_size=(1080, 1920))
    elif media_type in ("IMAGE", "CAROUSEL_ITEM"):
        shape = geometry(width, height, aspect=IMAGE_ASPECT, fit=fit, max_size=(1440, 1800), min_width=320)
    else:
        raise TranscodeError(
            f"An image cannot become {media_type}: conform it for IMAGE, STORIES or CAROUSEL_ITEM."
        )
    return Plan(ClipKind.IMAGE, shape)


def plan_trim(clip: Clip, *, start: float, end: float) -> Plan:
    """The plan cutting `start`…`end` seconds out of a video, upright, at most 1920 px."""
    width, height = clip.width or 0, clip.height or 0
    ratio = width / height
    shape = geometry(width, height, aspect=(ratio, ratio), fit="crop", max_size=(1920, 1920))
    return Plan(
        ClipKind.VIDEO, shape, rotation=clip.rotation, fps=_frame_rate(clip.fps), start=start, end=end
    )
