"""Background work of the clip library: conform and trim (`clips.process`), and failing abandoned jobs."""

from __future__ import annotations

from clipper import worker
from clipper.clips.processing import fail_stale, process_clip
from clipper.db import unit_of_work


@worker.task("clips.process")
async def process(ctx: worker.JobContext, *, clip_id: int) -> None:
    """Transcode processing clip `clip_id` (conform or trim)."""
    await process_clip(ctx.session_factory, clip_id=clip_id, settings=ctx.settings)


async def sweep_stale(ctx: worker.JobContext) -> None:
    """Fail clips whose conform or trim job died with its worker."""
    async with unit_of_work(ctx.session_factory) as session:
        await fail_stale(session)


worker.register_periodic("clips.sweep_stale", 60, sweep_stale)
