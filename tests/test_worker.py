"""The worker: tasks run through the broker with a context, periodic jobs tick; the events hub fans out."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from clipper import worker
from clipper.config import Settings
from clipper.events.hub import EventHub
from clipper.kv import MemoryStore

SEEN: list[Any] = []


@worker.task("tests.record")
async def _record(ctx: worker.JobContext, *, value: int) -> None:
    SEEN.append((value, ctx.settings.worker_queue))


async def _tick(ctx: worker.JobContext) -> None:
    SEEN.append("tick")


class TestWorker:
    async def test_runs_an_enqueued_task_and_periodic_jobs(self, settings: Settings) -> None:
        worker.register_periodic("tests.tick", 0.05, _tick)
        state = SimpleNamespace(settings=settings, kv=MemoryStore(), session_factory=None)
        running = worker.Worker(state, consume=True)
        await running.start()
        try:
            await running.enqueue("tests.record", value=7)
            await running.drain()
            await asyncio.sleep(0.2)
        finally:
            await running.stop()
            worker._PERIODIC.pop("tests.tick")

        assert (7, settings.worker_queue) in SEEN
        assert "tick" in SEEN


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
