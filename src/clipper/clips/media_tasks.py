"""The media tasks `isolation` runs in a child process: probe (and fix the layout of) an upload, make a
thumbnail, run a transcode plan. Each takes a `progress` callback; paths travel as strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av

from clipper.clips.models import ClipKind
from clipper.clips.plans import Plan
from clipper.clips.probe import Probed, UnsupportedMedia, probe_file
from clipper.clips.transcode import Progress, make_thumbnail, run_plan

FASTSTART_NOTE = "The video's index (moov) was moved before its media data on upload; streams were copied."


def probe(*, path: str, remux_to: str, progress: Progress) -> Probed:
    """Probe an upload; an MP4/MOV with its index after the media is remuxed to `remux_to` (index first)."""
    probed = probe_file(Path(path))
    needs_index_first = probed.facts.get("container") in ("mp4", "mov") and not probed.facts.get("moov_first")
    if probed.kind is ClipKind.VIDEO and needs_index_first:
        remux_index_first(Path(path), Path(remux_to), container=str(probed.facts["container"]))
        probed = probe_file(Path(remux_to))
        probed.facts["upload_fixes"] = [FASTSTART_NOTE]
    progress(1.0)
    return probed


def remux_index_first(source: Path, target: Path, *, container: str) -> None:
    """Copy every audio and video stream into a new file whose `moov` comes first (no re-encoding)."""
    try:
        with (
            av.open(str(source), "r", format="mov") as inp,
            av.open(str(target), "w", format=container, options={"movflags": "+faststart"}) as out,
        ):
            kept = [stream for stream in inp.streams if stream.type in ("video", "audio")]
            copied: dict[int, Any] = {stream.index: out.add_stream_from_template(stream) for stream in kept}
            for packet in inp.demux(*kept):
                if packet.dts is None:
                    continue
                packet.stream = copied[packet.stream.index]
                out.mux(packet)
    except (av.FFmpegError, ValueError) as exc:
        target.unlink(missing_ok=True)
        raise UnsupportedMedia(f"The video could not be rewritten with its index first ({exc}).") from None


def thumbnail(*, source: str, target: str, progress: Progress) -> None:
    """Write the JPEG thumbnail of `source` at `target`."""
    make_thumbnail(Path(source), Path(target))
    progress(1.0)


def transcode(*, source: str, target: str, plan: Plan, progress: Progress) -> None:
    """Run `plan` from `source` into `target`."""
    run_plan(Path(source), Path(target), plan, progress)
