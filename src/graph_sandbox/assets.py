"""Tiny generated media for the seeded world: JPEGs (Pillow) and a short MP4 (PyAV), cached per process."""

from __future__ import annotations

import io
import tempfile
from functools import lru_cache
from pathlib import Path

import av
from PIL import Image, ImageDraw


@lru_cache(maxsize=64)
def jpeg(width: int, height: int, color: tuple[int, int, int], label: str = "") -> bytes:
    """A solid-colour JPEG with an optional label and a diagonal so it is not uniform."""
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.line((0, 0, width, height), fill=(255, 255, 255), width=max(1, width // 60))
    if label:
        draw.text((width // 10, height // 10), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


@lru_cache(maxsize=4)
def mp4(width: int = 64, height: int = 112, seconds: int = 3, fps: int = 24) -> bytes:
    """A short H.264 MP4 (moov at the front) with a colour ramp."""
    # faststart rewrites the file to move `moov` forward, which needs a real file rather than BytesIO.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        _encode(path, width, height, seconds, fps)
        return path.read_bytes()


def _encode(path: Path, width: int, height: int, seconds: int, fps: int) -> None:
    with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(seconds * fps):
            frame = av.VideoFrame.from_image(  # type: ignore[no-untyped-call]
                Image.new("RGB", (width, height), (index * 3 % 256, 90, 170))
            )
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
