"""Tiny real media made in memory for tests: JPEG/PNG/WebP/MPO images and MP4/MOV videos.

Videos are encoded with PyAV's bundled FFmpeg: H.264 uses `libx264` when PyAV ships it (it does in
PyAV 18 wheels), else `libopenh264`; HEVC uses `libx265`; `codec="mpeg4"` gives MPEG-4 Part 2, which
Instagram rejects — handy for negative tests. Everything is a flat colour at a high CRF, so a 3 s clip
is a few KB and takes a few tens of milliseconds to make.
"""

from __future__ import annotations

import io
import os
import tempfile
from fractions import Fraction

import av
from PIL import Image

_AUDIO_RATE = 8_000
_AUDIO_FRAME = 1_024


def _image(width: int, height: int, color: tuple[int, int, int]) -> Image.Image:
    return Image.new("RGB", (width, height), color)


def jpeg(
    width: int = 1080,
    height: int = 1080,
    *,
    quality: int = 70,
    size_padding: int = 0,
    color: tuple[int, int, int] = (200, 60, 40),
) -> bytes:
    """A baseline JPEG; `size_padding` appends that many zero bytes after the end-of-image marker."""
    buf = io.BytesIO()
    _image(width, height, color).save(buf, format="JPEG", quality=quality)
    # Bytes after EOI are ignored by decoders, so padding keeps the image valid but larger.
    return buf.getvalue() + b"\0" * size_padding


def png(width: int = 1080, height: int = 1080, *, color: tuple[int, int, int] = (40, 160, 60)) -> bytes:
    """A PNG image (Instagram refuses it: JPEG only)."""
    buf = io.BytesIO()
    _image(width, height, color).save(buf, format="PNG")
    return buf.getvalue()


def webp(width: int = 1080, height: int = 1080, *, color: tuple[int, int, int] = (40, 60, 160)) -> bytes:
    """A WebP image (refused like PNG)."""
    buf = io.BytesIO()
    _image(width, height, color).save(buf, format="WEBP", quality=50)
    return buf.getvalue()


def mpo(width: int = 640, height: int = 640) -> bytes:
    """A two-frame MPO (multi-picture JPEG); it starts with a JPEG SOI yet Instagram refuses it."""
    buf = io.BytesIO()
    first, second = _image(width, height, (10, 10, 10)), _image(width, height, (250, 250, 250))
    first.save(buf, format="MPO", save_all=True, append_images=[second])
    return buf.getvalue()


def _video_encoder(codec: str) -> tuple[str, dict[str, str]]:
    available = av.codecs_available
    if codec == "h264":
        if "libx264" in available:
            return "libx264", {"preset": "ultrafast", "crf": "45"}
        return "libopenh264", {}
    if codec == "hevc":
        return "libx265", {"preset": "ultrafast", "crf": "45", "x265-params": "log-level=none"}
    return codec, {}


def _encode_audio(out: av.container.OutputContainer, stream: av.AudioStream, seconds: float) -> None:
    total, pts = int(seconds * _AUDIO_RATE), 0
    while pts < total:
        frame = av.AudioFrame(format="fltp", layout="mono", samples=_AUDIO_FRAME)
        frame.planes[0].update(bytes(_AUDIO_FRAME * 4))
        frame.sample_rate, frame.pts = _AUDIO_RATE, pts
        out.mux(stream.encode(frame))
        pts += _AUDIO_FRAME
    out.mux(stream.encode(None))


def mp4(
    width: int = 90,
    height: int = 160,
    *,
    seconds: float = 3.0,
    fps: int = 24,
    codec: str = "h264",
    audio: bool = True,
    faststart: bool = True,
    container: str = "mp4",
    color: tuple[int, int, int] = (30, 90, 200),
) -> bytes:
    """An MP4 (or `container="mov"`) clip; `faststart=False` leaves `moov` after `mdat`."""
    encoder, options = _video_encoder(codec)
    # The MP4 muxer's faststart pass re-reads its output by file name, so it cannot target a BytesIO.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"clip.{container}")
        muxer_options = {"movflags": "+faststart"} if faststart else {}
        with av.open(path, "w", format=container, options=muxer_options) as out:
            video = out.add_stream(encoder, rate=Fraction(fps))
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            video.options = options
            sound = out.add_stream("aac", rate=_AUDIO_RATE, layout="mono") if audio else None
            frame = av.VideoFrame.from_image(_image(width, height, color))
            for index in range(round(seconds * fps)):
                frame.pts = index
                out.mux(video.encode(frame))
            out.mux(video.encode(None))
            if sound is not None:
                _encode_audio(out, sound, seconds)
        with open(path, "rb") as handle:
            return handle.read()
