"""Background work: task definitions, a taskiq broker (in-memory or Redis), periodic jobs, `clipper worker`.

How a domain uses it (put the definitions in `clipper/<domain>/jobs.py`; every such module is imported
when a worker starts, so registering at import time is enough):

    from clipper import worker

    @worker.task("inbox.sync_account")
    async def sync_account(ctx: worker.JobContext, *, account_id: int) -> None:
        async with unit_of_work(ctx.session_factory) as session:
            await service.sync_account(session, graph=ctx.graph, account_id=account_id)

    worker.register_periodic("insights.snapshot", 3600, snapshot_all)   # snapshot_all(ctx) -> None

    await ctx.enqueue("inbox.sync_account", account_id=7)            # from a job
    await request.app.state.worker.enqueue("inbox.sync_account", account_id=7)   # from a request

A `JobContext` reads the process's `Resources` (`clipper.resources`) when used (`session_factory`,
`graph`, `cipher`, `settings`, `kv`, `http_client`, `events`), so a test that swaps one is honoured.
Task arguments must be JSON values. Without `REDIS_URL` tasks run in this process (taskiq's
`InMemoryBroker`); with it they go through a Redis list that every `clipper worker` process consumes.
Periodic jobs run in every process that runs a worker; with `exclusive=True` (the default) a shared
KV counter lets only one process run each tick. The database stays the source of truth: a lost task is
found again by the next periodic sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import pkgutil
import random
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

import structlog
from taskiq import AsyncBroker, InMemoryBroker
from taskiq.api import run_receiver_task

import clipper
from clipper.resources import Resources, open_resources

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from clipper.config import Settings
    from clipper.events.hub import EventHub
    from clipper.instagram import InstagramGraphAPI
    from clipper.kv import KeyValueStore
    from clipper.security import TokenCipher

log = structlog.get_logger(__name__)

TaskFn = Callable[..., Awaitable[None]]
PeriodicFn = Callable[["JobContext"], Awaitable[None]]


Interval = float | Callable[["Settings"], float]


@dataclass(frozen=True)
class Periodic:
    name: str
    every: Interval
    fn: PeriodicFn
    exclusive: bool = True

    def seconds(self, settings: Settings) -> float:
        """The interval, which may come from the settings."""
        return self.every(settings) if callable(self.every) else float(self.every)


_TASKS: dict[str, TaskFn] = {}
_PERIODIC: dict[str, Periodic] = {}


def task(name: str) -> Callable[[TaskFn], TaskFn]:
    """Register `fn(ctx, **kwargs)` as the background task `name` (returns `fn` unchanged)."""

    def register(fn: TaskFn) -> TaskFn:
        _TASKS[name] = fn
        return fn

    return register


def register_periodic(name: str, every_seconds: Interval, fn: PeriodicFn, *, exclusive: bool = True) -> None:
    """Run `fn(ctx)` every `every_seconds` (or `every_seconds(settings)`) in worker processes."""
    _PERIODIC[name] = Periodic(name, every_seconds, fn, exclusive)


def load_jobs() -> list[str]:
    """Import every `clipper.<domain>.jobs` module so its tasks and periodic jobs are registered."""
    loaded = []
    for module in sorted(pkgutil.iter_modules(clipper.__path__), key=lambda found: found.name):
        name = f"clipper.{module.name}.jobs"
        if module.ispkg and find_spec(name) is not None:
            importlib.import_module(name)
            loaded.append(name)
    return loaded


class JobContext:
    """What a job needs: the process's resources (read when used, so a swapped one is honoured) and the
    worker, to queue more tasks."""

    def __init__(self, resources: Resources, worker: Worker) -> None:
        self.resources = resources
        self.worker = worker

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        return self.resources.session_factory

    @property
    def graph(self) -> InstagramGraphAPI:
        return self.resources.graph

    @property
    def cipher(self) -> TokenCipher:
        return self.resources.cipher

    @property
    def settings(self) -> Settings:
        return self.resources.settings

    @property
    def kv(self) -> KeyValueStore:
        return self.resources.kv

    @property
    def http_client(self) -> httpx.AsyncClient:
        return self.resources.http_client

    @property
    def events(self) -> EventHub:
        return self.resources.events

    async def enqueue(self, name: str, **kwargs: Any) -> None:
        """Queue the task `name` with JSON keyword arguments."""
        await self.worker.enqueue(name, **kwargs)


def create_broker(settings: Settings) -> AsyncBroker:
    """A Redis list broker when REDIS_URL is set (many worker processes), else the in-process broker."""
    if settings.redis_url:
        from clipper.redis_queue import QuietListQueueBroker

        broker: AsyncBroker = QuietListQueueBroker(settings.redis_url, queue_name=settings.worker_queue)
        return broker
    return InMemoryBroker(max_async_tasks=settings.worker_concurrency, propagate_exceptions=False)


class Worker:
    """A broker with our tasks registered, plus (when `consume`) the receiver and the periodic loops."""

    def __init__(self, resources: Resources, *, consume: bool) -> None:
        self.settings: Settings = resources.settings
        self.context = JobContext(resources, self)
        self.consume = consume
        self.broker = create_broker(self.settings)
        self._background: list[asyncio.Task[None]] = []
        self._jobs: set[asyncio.Task[Any]] = set()
        load_jobs()
        for name, fn in _TASKS.items():
            self.broker.register_task(self._runner(name, fn), task_name=name)

    def _runner(self, name: str, fn: TaskFn) -> Callable[[dict[str, Any]], Awaitable[None]]:
        async def job(payload: dict[str, Any]) -> None:
            try:
                await fn(self.context, **payload)
            except Exception as exc:
                log.error("job failed", job=name, error_type=type(exc).__name__, exc_info=exc)

        async def run(payload: dict[str, Any]) -> None:
            # The job runs in a task of its own: taskiq's receiver hangs a callback holding the set of
            # every running task on the task it starts, and anyio formats the current task's repr on
            # each cancel-scope cancel (Starlette responses, task groups), which then walked that whole
            # set — O(running²) per request, the bottleneck of a busy Redis worker. Cancelling `run`
            # cancels the job it awaits.
            inner = asyncio.create_task(job(payload), name=f"job {name}")
            self._jobs.add(inner)
            inner.add_done_callback(self._jobs.discard)
            await inner

        return run

    @property
    def in_process(self) -> bool:
        """True when enqueued tasks run in this process (no shared broker)."""
        return isinstance(self.broker, InMemoryBroker)

    async def enqueue(self, name: str, **kwargs: Any) -> None:
        """Queue the task `name` with JSON keyword arguments."""
        if name not in _TASKS:
            raise KeyError(f"unknown task {name!r}: define it with @worker.task in a jobs.py")
        decorated = self.broker.find_task(name)
        assert decorated is not None
        await decorated.kiq(kwargs)

    async def start(self) -> None:
        """Start the broker, and when consuming, the receiver and one loop per periodic job."""
        await self.broker.startup()
        if not self.consume:
            return
        if not self.in_process:
            receiver = run_receiver_task(self.broker, max_async_tasks=self.settings.worker_concurrency)
            self._background.append(asyncio.create_task(receiver))
        for periodic in _PERIODIC.values():
            self._background.append(asyncio.create_task(self._every(periodic)))
        log.info("worker started", periodic=sorted(_PERIODIC), in_process=self.in_process)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Worker]:
        """Started for the block, stopped after it."""
        await self.start()
        try:
            yield self
        finally:
            await self.stop()

    async def drain(self) -> None:
        """Wait until the in-process tasks started so far have finished (tests, shutdown)."""
        if isinstance(self.broker, InMemoryBroker):
            await self.broker.wait_all()

    async def stop(self) -> None:
        """Cancel the loops and running in-process tasks (the database keeps every step), stop the broker."""
        running = [*self._background, *self._jobs]
        for pending in running:
            pending.cancel()
        for pending in running:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
        self._background.clear()
        await self.broker.shutdown()

    async def run_periodic_once(self, name: str) -> None:
        """Run one tick of a periodic job now (CLI, tests)."""
        await _PERIODIC[name].fn(self.context)

    async def _every(self, periodic: Periodic) -> None:
        every = periodic.seconds(self.settings)
        # A random first delay spreads the ticks of several processes and jobs.
        await asyncio.sleep(random.uniform(0, every))
        while True:
            started = time.monotonic()
            try:
                if await self._my_turn(periodic, every):
                    await periodic.fn(self.context)
            except Exception as exc:
                log.warning(
                    "periodic job failed", job=periodic.name, error_type=type(exc).__name__, exc_info=exc
                )
            await asyncio.sleep(max(0.0, every - (time.monotonic() - started)))

    async def _my_turn(self, periodic: Periodic, every: float) -> bool:
        if not periodic.exclusive or self.in_process:
            return True
        tick = int(time.time() // every)
        ttl = max(1, int(every))
        return await self.context.kv.incr(f"worker:tick:{periodic.name}:{tick}", ttl) == 1


def _stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT/SIGTERM set `stop` for a clean shutdown.

    Only the main thread of a Unix process can take asyncio signal handlers; elsewhere (Windows, a worker
    run from another thread) Ctrl-C still ends the process through KeyboardInterrupt.
    """
    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


async def serve_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Consume tasks and run periodic jobs until `stop` is set (or SIGINT/SIGTERM)."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    async with open_resources(settings) as resources, Worker(resources, consume=True).running():
        await stop.wait()


def run_on_fast_loop(main: Coroutine[Any, Any, None]) -> None:
    """Run `main` on uvloop when installed (as `clipper serve` runs under uvicorn's `loop="auto"`).

    The engine's hot path is event-loop work (sockets, futures, callbacks), which uvloop does in C.
    """
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    if sys.platform == "win32":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_worker(settings: Settings) -> None:
    """Entry point of `clipper worker`: run a worker process until interrupted."""
    run_on_fast_loop(serve_worker(settings))
