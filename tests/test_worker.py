"""The worker: tasks run through the broker with a context, periodic jobs tick; the events hub fans out."""

from __future__ import annotations

import asyncio
from typing import Any

from clipper import worker
from clipper.config import Settings
from clipper.events.hub import EventHub
from clipper.resources import open_resources

SEEN: list[Any] = []


@worker.task("tests.record")
async def _record(ctx: worker.JobContext, *, value: int) -> None:
    SEEN.append((value, ctx.settings.worker_queue))


async def _tick(ctx: worker.JobContext) -> None:
    SEEN.append("tick")


class TestWorker:
    async def test_runs_an_enqueued_task_and_periodic_jobs(self, settings: Settings) -> None:
        worker.register_periodic("tests.tick", 0.05, _tick)
        try:
            async with (
                open_resources(settings) as resources,
                worker.Worker(resources, consume=True).running() as running,
            ):
                await running.enqueue("tests.record", value=7)
                await running.drain()
                await asyncio.sleep(0.2)
        finally:
            worker._PERIODIC.pop("tests.tick")

        assert (7, settings.worker_queue) in SEEN
        assert "tick" in SEEN


STARTED = asyncio.Event()


@worker.task("tests.forever")
async def _forever(ctx: worker.JobContext) -> None:
    STARTED.set()
    await asyncio.sleep(3600)


class TestWorkerStop:
    async def test_stop_cancels_running_jobs_at_once(self, settings: Settings) -> None:
        STARTED.clear()
        async with open_resources(settings) as resources:
            running = worker.Worker(resources, consume=True)
            await running.start()
            await running.enqueue("tests.forever")
            await asyncio.wait_for(STARTED.wait(), timeout=5)
            jobs = set(running._jobs)

            started = asyncio.get_running_loop().time()
            await running.stop()

        assert asyncio.get_running_loop().time() - started < 1.0
        assert jobs
        assert all(job.cancelled() for job in jobs)


class TestEventHub:
    async def test_delivers_only_to_the_users_subscribers(self) -> None:
        hub = EventHub()
        async with hub.subscribe(1) as mine, hub.subscribe(2) as theirs:
            await hub.publish_event(1, "post.status", {"id": 5, "status": "published"})
            event = await asyncio.wait_for(mine.get(), timeout=1)

            assert event.type == "post.status"
            assert event.data == {"id": 5, "status": "published"}
            assert theirs.queue.empty()
        assert hub.subscriber_count(1) == 0
