"""Make new media with PyAV and Pillow by running a plan (`plans.py`): conform, trim, and thumbnails.

Running a plan is blocking work, done in a limited child process (`isolation`). Videos come out as
H.264 + AAC MP4 with `moov` first, yuv420p, upright, 23–60 fps, at most 1920 px; images as sRGB JPEG.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from PIL import Image, ImageCms, ImageOps

from clipper.clips.models import ClipKind
from clipper.clips.plans import Geometry, Plan, TranscodeError
from clipper.clips.probe import demuxer_for

THUMBNAIL_SIZE = 480
# Each codec thread reserves a stack and a malloc arena: bounded, so the child's address-space limit
# (MEDIA_MEMORY_BYTES) holds on a many-core machine too.
MAX_THREADS = min(8, os.cpu_count() or 1)
_SRGB = ImageCms.createProfile("sRGB")
_ROTATE = {
    90: (("transpose", "clock"),),
    180: (("hflip", ""), ("vflip", "")),
    270: (("transpose", "cclock"),),
}
Progress = Callable[[float], None]


def run_plan(source: Path, target: Path, plan: Plan, progress: Progress) -> None:
    """Execute a plan (blocking): write the new file at `target`."""
    if plan.kind is ClipKind.IMAGE:
        conform_image(source, target, plan.geometry)
    else:
        transcode_video(source, target, plan, progress)
    progress(1.0)


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image.convert("RGB"), profile, _SRGB, outputMode="RGB") or image
        except (ImageCms.PyCMSError, OSError):
            pass
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def conform_image(source: Path, target: Path, shape: Geometry) -> None:
    """Crop or pad an image onto its canvas and save it as an sRGB JPEG."""
    with Image.open(source) as opened:
        opened.seek(0)
        upright = ImageOps.exif_transpose(opened)
        image = _to_srgb(upright)
    x, y, w, h = shape.region
    content = image.crop((x, y, x + w, y + h)).resize(shape.scaled, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", shape.canvas, (0, 0, 0))
    canvas.paste(
        content, ((shape.canvas[0] - shape.scaled[0]) // 2, (shape.canvas[1] - shape.scaled[1]) // 2)
    )
    canvas.save(target, format="JPEG", quality=90, optimize=True)


def _filters(plan: Plan, coded: tuple[int, int]) -> list[tuple[str, str]]:
    shape = plan.geometry
    x, y, w, h = shape.region
    chain = list(_ROTATE.get(plan.rotation, ()))
    width, height = (coded[1], coded[0]) if plan.rotation in (90, 270) else coded
    if (w, h) != (width, height):
        chain.append(("crop", f"{w}:{h}:{x}:{y}"))
    chain.append(("scale", f"{shape.scaled[0]}:{shape.scaled[1]}"))
    if shape.scaled != shape.canvas:
        pad_x, pad_y = (shape.canvas[0] - shape.scaled[0]) // 2, (shape.canvas[1] - shape.scaled[1]) // 2
        chain.append(("pad", f"{shape.canvas[0]}:{shape.canvas[1]}:{pad_x}:{pad_y}:black"))
    chain += [("setsar", "1"), ("fps", str(plan.fps)), ("format", "yuv420p")]
    return chain


def _graph(stream: Any, chain: list[tuple[str, str]]) -> Any:
    graph = av.filter.Graph()
    nodes = [graph.add_buffer(template=stream)]
    nodes += [graph.add(name, args) if args else graph.add(name) for name, args in chain]
    nodes.append(graph.add("buffersink"))
    graph.link_nodes(*nodes).configure()
    return graph


class _VideoOut:
    def __init__(self, out: Any, source: Any, plan: Plan, span: float) -> None:
        self.out, self.fps = out, plan.fps
        # Sparse timestamps make the fps filter repeat frames: never encode more than the span holds.
        self.max_frames = math.ceil(span * plan.fps) + math.ceil(plan.fps)
        self.graph = _graph(source, _filters(plan, (source.width, source.height)))
        self.stream = out.add_stream("libx264", rate=plan.fps)
        self.stream.width, self.stream.height = plan.geometry.canvas
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"preset": "veryfast", "crf": "23", "maxrate": "20M", "bufsize": "40M"}
        self.stream.thread_count = MAX_THREADS
        self.count = 0

    def push(self, frame: Any) -> None:
        self.graph.push(frame)
        while True:
            try:
                filtered = self.graph.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                return
            filtered.pts, filtered.time_base = self.count, 1 / self.fps
            self.count += 1
            if self.count > self.max_frames:
                seconds = float(self.max_frames / self.fps)
                raise TranscodeError(
                    f"The video produced more than {self.max_frames:,} frames for {seconds:,.0f} s: "
                    "its timestamps are damaged. Export it again."
                )
            self.out.mux(self.stream.encode(filtered))

    def close(self) -> None:
        self.push(None)
        self.out.mux(self.stream.encode(None))


class _AudioOut:
    def __init__(self, out: Any, source: Any) -> None:
        self.out = out
        rate = min(source.sample_rate or 48_000, 48_000)
        layout = "mono" if source.channels == 1 else "stereo"
        self.stream = out.add_stream("aac", rate=rate, layout=layout)
        self.stream.bit_rate = 128_000
        self.resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        self.rate, self.samples = rate, 0

    def push(self, frame: Any) -> None:
        frame.pts = None
        for chunk in self.resampler.resample(frame):
            chunk.pts, chunk.time_base = self.samples, Fraction(1, self.rate)
            self.samples += chunk.samples
            self.out.mux(self.stream.encode(chunk))

    def close(self) -> None:
        self.out.mux(self.stream.encode(None))


def transcode_video(source: Path, target: Path, plan: Plan, progress: Progress) -> None:
    """Re-encode `source` into an Instagram-ready MP4 following `plan` (blocking)."""
    with (
        av.open(str(source), "r", format=demuxer_for(source)) as inp,
        av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        video_in = inp.streams.video[0]
        video_in.thread_type = "AUTO"
        video_in.thread_count = MAX_THREADS
        audio_in = inp.streams.audio[0] if inp.streams.audio else None
        end = plan.end if plan.end is not None else (inp.duration or 0) / 1_000_000
        video = _VideoOut(out, video_in, plan, span=max(end - plan.start, 0.0))
        audio = _AudioOut(out, audio_in) if audio_in is not None else None
        if plan.start > 0:
            inp.seek(int(plan.start * 1_000_000), backward=True)
        _pump(inp, video, audio, plan.start, end, progress)
        video.close()
        if audio is not None:
            audio.close()


def _pump(
    inp: Any, video: _VideoOut, audio: _AudioOut | None, start: float, end: float, progress: Progress
) -> None:
    span = max(end - start, 0.001)
    streams = [stream for stream in (inp.streams.video[0], inp.streams.audio[0] if audio else None) if stream]
    for packet in inp.demux(*streams):
        for frame in packet.decode():
            moment = frame.time
            if moment is None or moment < start - 1e-6:
                continue
            if moment >= end - 1e-6:
                if packet.stream.type == "video":
                    return
                continue
            if packet.stream.type == "video":
                video.push(frame)
                progress(min(0.99, (moment - start) / span))
            elif audio is not None:
                audio.push(frame)


def make_thumbnail(source: Path, target: Path) -> None:
    """A JPEG at most 480 px on its long side: the picture, or a video's first frame upright."""
    try:
        with Image.open(source) as opened:
            opened.seek(0)
            image = _to_srgb(ImageOps.exif_transpose(opened))
    except (OSError, ValueError):
        image = _first_frame(source)
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    image.save(target, format="JPEG", quality=80)


def _first_frame(source: Path) -> Image.Image:
    with av.open(str(source), "r", format=demuxer_for(source)) as container:
        frames: Any = container.decode(video=0)  # PyAV's to_image() is untyped
        frame = next(iter(frames))
        image: Image.Image = frame.to_image()
        rotation = -int(frame.rotation or 0) % 360
    return image.rotate(-rotation, expand=True) if rotation else image
