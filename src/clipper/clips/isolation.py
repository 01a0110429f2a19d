"""Media work in a child process with CPU, memory, file-size and wall-clock limits.

Probing and transcoding decode files anyone can upload, with FFmpeg and Pillow. Each task runs in its own
process, forked from a small server that already has the media modules loaded (multiprocessing's
forkserver: no import cost per task). The child lowers its own limits (`resource.setrlimit`) before it
touches the file. A task over its wall-clock time is killed; a task that dies (a limit reached, a crash
inside a decoder) raises MediaJobFailed with a message for the clip, and the server carries on.
"""

from __future__ import annotations

import functools
import multiprocessing
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from clipper.clips.plans import TranscodeError
from clipper.clips.probe import UnsupportedMedia
from clipper.config import Settings

Progress = Callable[[float], None]
_TASKS_MODULE = "clipper.clips.media_tasks"
_REFUSALS: dict[str, type[Exception]] = {
    "UnsupportedMedia": UnsupportedMedia,
    "TranscodeError": TranscodeError,
}


class MediaJobFailed(Exception):
    """The child process did not finish its task; the message says why, for the clip."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one media task may use."""

    cpu_seconds: int
    memory_bytes: int
    wall_seconds: float
    file_bytes: int = 16 * 1024**3


@functools.cache
def _forkserver() -> Any:
    # One forkserver per process, started on first use with the media modules imported.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_TASKS_MODULE])
    return context


def probe_limits(settings: Settings) -> Limits:
    """Limits for probing an upload or making a thumbnail."""
    seconds = settings.media_probe_seconds
    return Limits(max(1, int(seconds)), settings.media_memory_bytes, seconds)


def transcode_limits(settings: Settings) -> Limits:
    """Limits for a conform or trim."""
    return Limits(settings.media_cpu_seconds, settings.media_memory_bytes, settings.media_transcode_seconds)


def run(task: str, kwargs: dict[str, Any], *, limits: Limits, progress: Progress | None = None) -> Any:
    """Run `media_tasks.<task>(**kwargs)` in a limited child process and return its result (blocking)."""
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, task, kwargs, limits), daemon=True)
    process.start()
    sender.close()
    try:
        return _collect(receiver, process, limits, progress)
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)
        receiver.close()


def _collect(receiver: Connection, process: Any, limits: Limits, progress: Progress | None) -> Any:
    deadline = time.monotonic() + limits.wall_seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            process.kill()
            raise MediaJobFailed(
                f"Processing took longer than {limits.wall_seconds:g} s and was stopped: "
                "the file may be damaged or far too long."
            )
        if not receiver.poll(min(left, 0.5)):
            continue
        try:
            kind, value = receiver.recv()
        except EOFError:
            process.join(timeout=10)
            raise MediaJobFailed(_death(process.exitcode)) from None
        if kind == "progress" and progress is not None:
            progress(float(value))
        elif kind == "result":
            return value
        elif kind == "refused":
            name, message = value
            raise _REFUSALS[name](message)
        elif kind == "failed":
            raise MediaJobFailed(f"Processing failed ({value}): the file may be damaged.")


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if name in ("SIGXCPU", "SIGKILL"):
            return (
                f"Processing was stopped ({name}): the file needed more CPU time or memory than allowed. "
                "It may be damaged or hostile; export it again."
            )
        return f"The decoder crashed ({name}) on this file: it may be damaged. Export it again."
    return f"The media process ended unexpectedly (exit code {exitcode}): try again."


def _child(sender: Connection, task: str, kwargs: dict[str, Any], limits: Limits) -> None:
    _lower_limits(limits)
    import importlib

    tasks = importlib.import_module(_TASKS_MODULE)
    last = [-1.0]

    def report(fraction: float) -> None:
        if fraction - last[0] >= 0.01 or fraction >= 1.0:
            last[0] = fraction
            sender.send(("progress", fraction))

    try:
        result = getattr(tasks, task)(**kwargs, progress=report)
    except (UnsupportedMedia, TranscodeError) as exc:
        sender.send(("refused", (type(exc).__name__, str(exc))))
    except MemoryError:
        sender.send(("failed", "out of memory"))
    except Exception as exc:  # reported to the parent, which owns the clip; the trace is for operators
        traceback.print_exc()
        sender.send(("failed", type(exc).__name__))
    else:
        sender.send(("result", result))
    finally:
        sender.close()


def _lower_limits(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
