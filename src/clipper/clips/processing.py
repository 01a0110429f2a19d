"""The conform/trim job core: transcode in a limited child process, report progress, then ready or failed."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import structlog
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.clips import isolation, storage
from clipper.clips.models import Clip, ClipStatus
from clipper.clips.plans import Plan, TranscodeError, plan_conform, plan_trim
from clipper.clips.probe import Probed, UnsupportedMedia
from clipper.config import Settings
from clipper.db import unit_of_work, utcnow

log = structlog.get_logger(__name__)
PROGRESS_EVERY_SECONDS = 0.5
# A running job touches its clip at least this often; one silent for STALE_AFTER died with its worker.
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(minutes=5)
INTERRUPTED = "Processing was interrupted (the worker stopped): run conform or trim again."


class JobFailed(Exception):
    """The job cannot finish; the message is shown on the clip."""


def _plan(clip: Clip, source: Clip) -> Plan:
    job = clip.probe.get("job", {})
    if job.get("op") == "trim":
        return plan_trim(source, start=float(job["start"]), end=float(job["end"]))
    return plan_conform(source, media_type=str(job.get("media_type")), fit=str(job.get("fit")))


async def _load(factory: async_sessionmaker[AsyncSession], clip_id: int) -> tuple[Clip, Clip] | None:
    async with unit_of_work(factory, immediate=False) as session:
        clip = await session.get(Clip, clip_id)
        if clip is None or clip.status is not ClipStatus.PROCESSING:
            return None
        source = await session.get(Clip, clip.parent_clip_id) if clip.parent_clip_id else None
        if source is None or source.status is not ClipStatus.READY:
            raise JobFailed("The source clip was deleted before processing finished.")
        return clip, source


async def _set_progress(factory: async_sessionmaker[AsyncSession], clip_id: int, percent: int) -> None:
    async with unit_of_work(factory) as session:
        await session.execute(
            update(Clip)
            .where(Clip.id == clip_id, Clip.status == ClipStatus.PROCESSING)
            .values(progress=percent, updated_at=utcnow())
        )


async def _transcode(
    factory: async_sessionmaker[AsyncSession], clip: Clip, source: Clip, settings: Settings
) -> None:
    plan = _plan(clip, source)
    fraction = [0.0]
    kwargs = {
        "source": str(storage.path_for(settings, source.storage_key)),
        "target": str(storage.path_for(settings, clip.storage_key)),
        "plan": plan,
    }
    work = asyncio.create_task(
        asyncio.to_thread(
            isolation.run,
            "transcode",
            kwargs,
            limits=isolation.transcode_limits(settings),
            progress=lambda value: fraction.__setitem__(0, value),
        )
    )
    reported, written = 0, time.monotonic()
    while not work.done():
        await asyncio.wait({work}, timeout=PROGRESS_EVERY_SECONDS)
        percent = min(99, int(fraction[0] * 100))
        heartbeat = time.monotonic() - written > HEARTBEAT_SECONDS
        if (percent != reported or heartbeat) and not work.done():
            await _set_progress(factory, clip.id, percent)
            reported, written = percent, time.monotonic()
    await work


async def _finish(factory: async_sessionmaker[AsyncSession], done: Clip, settings: Settings) -> None:
    # Probe, checksum and thumbnail first: the write transaction below must not wait on file work.
    path = storage.path_for(settings, done.storage_key)
    limits = isolation.probe_limits(settings)
    probed: Probed = await asyncio.to_thread(
        isolation.run,
        "probe",
        {"path": str(path), "remux_to": str(path.with_suffix(".faststart"))},
        limits=limits,
    )
    size, checksum = await asyncio.to_thread(storage.file_digest, path)
    thumbnail = storage.path_for(settings, storage.thumbnail_key(done.storage_key))
    await asyncio.to_thread(
        isolation.run, "thumbnail", {"source": str(path), "target": str(thumbnail)}, limits=limits
    )
    async with unit_of_work(factory) as session:
        clip = await session.get(Clip, done.id)
        if clip is not None:
            columns = probed.columns()
            columns["probe"] = {**probed.facts, "job": clip.probe.get("job", {})}
            for name, value in columns.items():
                setattr(clip, name, value)
            clip.size_bytes, clip.checksum_sha256 = size, checksum
            clip.status, clip.progress, clip.error_message = ClipStatus.READY, 100, None
    if clip is None:
        # Deleted while processing: the new file has no owner any more.
        await asyncio.to_thread(storage.remove, settings, done.storage_key)


async def _fail(
    factory: async_sessionmaker[AsyncSession], clip_id: int, message: str, settings: Settings
) -> None:
    async with unit_of_work(factory) as session:
        clip = await session.get(Clip, clip_id)
        if clip is None:
            return
        clip.status, clip.error_message = ClipStatus.FAILED, message
        storage_key = clip.storage_key
    await asyncio.to_thread(storage.remove, settings, storage_key)


async def process_clip(
    factory: async_sessionmaker[AsyncSession], *, clip_id: int, settings: Settings
) -> None:
    """Run the conform or trim recorded on processing clip `clip_id` until it is ready or failed."""
    try:
        loaded = await _load(factory, clip_id)
        if loaded is None:
            return
        await _transcode(factory, *loaded, settings)
        await _finish(factory, loaded[0], settings)
    except (JobFailed, TranscodeError, UnsupportedMedia, isolation.MediaJobFailed) as exc:
        await _fail(factory, clip_id, str(exc), settings)
    except Exception as exc:
        log.error("clip processing failed", clip_id=clip_id, error_type=type(exc).__name__, exc_info=exc)
        await _fail(factory, clip_id, f"Processing failed ({type(exc).__name__}): try again.", settings)
    else:
        log.info("clip processed", clip_id=clip_id)


async def fail_stale(session: AsyncSession) -> int:
    """Mark processing clips whose job stopped reporting as failed; return how many."""
    result = await session.execute(
        update(Clip)
        .where(Clip.status == ClipStatus.PROCESSING, Clip.updated_at < utcnow() - STALE_AFTER)
        .values(status=ClipStatus.FAILED, error_message=INTERRUPTED, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
