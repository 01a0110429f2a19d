"""The smoke's own media: a small JPEG and a two-second H.264 clip, generated on the spot."""

from __future__ import annotations

import io
import os
import tempfile
from fractions import Fraction
from typing import Any

_COLOR = (40, 120, 200)


def jpeg() -> bytes:
    """A square 1080 px JPEG (inside Instagram's feed aspect ratios)."""
    # Pillow and PyAV are imported where used: every `clipper` command (the worker too) imports this
    # module, and PyAV's FFmpeg libraries alone cost ~20 MB of resident memory.
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), _COLOR).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _h264() -> tuple[str, dict[str, str]]:
    import av

    if "libx264" in av.codecs_available:
        return "libx264", {"preset": "ultrafast", "crf": "40"}
    return "libopenh264", {}


def mp4(seconds: int = 4, fps: int = 24) -> bytes:
    """A 9:16 H.264 + AAC MP4 with `moov` first (Reels accept 3 s to 15 min)."""
    import av
    from PIL import Image

    encoder, options = _h264()
    # The MP4 muxer's faststart pass re-reads its output by name, so it needs a real file.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "smoke.mp4")
        container: Any = av.open(path, "w", format="mp4", options={"movflags": "+faststart"})
        with container as out:
            video = out.add_stream(encoder, rate=Fraction(fps))
            video.width, video.height, video.pix_fmt = 360, 640, "yuv420p"
            video.options = options
            sound = out.add_stream("aac", rate=44100, layout="mono")
            picture = Image.new("RGB", (360, 640), _COLOR)
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
            for index in range(seconds * fps):
                frame.pts = index
                out.mux(video.encode(frame))
            out.mux(video.encode(None))
            pts, samples = 0, 1024
            while pts < seconds * 44100:
                chunk = av.AudioFrame(format="fltp", layout="mono", samples=samples)
                chunk.planes[0].update(bytes(samples * 4))
                chunk.sample_rate, chunk.pts = 44100, pts
                out.mux(sound.encode(chunk))
                pts += samples
            out.mux(sound.encode(None))
        with open(path, "rb") as handle:
            return handle.read()
