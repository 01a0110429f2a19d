"""Benchmark: the publishing engine against the sandbox in a separate process (figures, not a test).

Our app runs in this process behind uvicorn (it serves the clip files the sandbox fetches); the sandbox
runs in its own process. Two scenarios:

1. Backlog: N image posts all due at once, claimed by the sweep and run by the engine in this process,
   `--concurrency` at a time. Reported: posts/s, p99 lateness (published_at - scheduled_for, which here
   is mostly the time to drain the backlog), this process's CPU time per post while it drains (every
   thread; the sandbox's share is not in it), and this process's peak RSS (app + engine together).
2. Worker: the real worker path. A `clipper worker` process (its 1-second periodic sweep, its task
   broker, the engine) publishes `--spread-posts` image posts whose due times are spread at
   `--spread-rate` posts/s (default: half the backlog rate, a rate it can sustain). Reported: p50/p99
   lateness, and the worker process's own peak RSS.
3. Workers (`--workers N`, with `--postgres` and `--redis-url`): the scaled-out shape. N `clipper worker`
   processes on PostgreSQL, sharing a Redis task queue, publish `--worker-posts` image posts due at once.
   Reported: posts/s (posts / time until the last one was published), p99 lateness, the largest peak RSS.

Each figure with a goal in issue 14 is printed with the goal beside it (met / NOT MET).

Graph calls per post by media type are counted two ways: HTTP requests (what the issue's floor counts:
a batch is one request) and Graph operations (every batch item counted, which is what Meta's rate
limits count).

    .venv/bin/python bench/publishing.py                                  # 10,000 due image posts
    .venv/bin/python bench/publishing.py --posts 500 --spread-posts 200   # small run
    .venv/bin/python bench/publishing.py --postgres postgresql+asyncpg://postgres@localhost/postgres \
        --redis-url redis://localhost:6379/0 --workers 2 --posts 500 --spread-posts 0   # scenario 3
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from clipper import migrate
from clipper.accounts.models import Account
from clipper.clips.models import Clip, ClipKind
from clipper.config import Environment, Settings, VideoUpload
from clipper.db import unit_of_work, utcnow
from clipper.main import create_app
from clipper.observability import GRAPH_API_CALLS, configure_logging
from clipper.social import sweep
from clipper.social.batches import BATCH_ENDPOINT_PREFIX
from clipper.social.engine import Engine
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.users.models import User
from clipper.worker import run_on_fast_loop
from graph_client import _page_token, _start_sandbox, _wait_until_up

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for the `tests` package
from tests.fixtures.live_server import listening_socket, origin_of  # noqa: E402
from tests.fixtures.media_factory import jpeg, mp4  # noqa: E402
from tests.fixtures.postgres import throwaway_database  # noqa: E402

# The floors of the issue (HTTP requests), and the Graph operations the same flow costs.
FLOORS = {
    "image": ("3", "5"),
    "carousel of 3 images": ("n + 3 = 6", "n + 5 = 8"),
    "carousel image+video+image": ("n + 3 = 6 + polls", "n + 5 = 8 + polls"),
    "reel (video by URL)": ("3 + polls", "5 + polls"),
    "reel (resumable upload)": ("3 + 1 upload + polls", "5 + 1 upload + polls"),
}
WORKER_STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Calls:
    """Graph traffic: HTTP requests, and Graph operations (each batch item counted on its own)."""

    http: float
    operations: float

    def __sub__(self, other: Calls) -> Calls:
        return Calls(self.http - other.http, self.operations - other.operations)

    def per(self, posts: int) -> Calls:
        return Calls(self.http / posts, self.operations / posts)


def _graph_calls() -> Calls:
    """From `graph_api_calls_total`: a batch envelope (`POST /`) is one HTTP request and no operation;
    its items (`batch:…`, counted by clipper.social.batches) are operations but no HTTP request."""
    http = operations = 0.0
    for metric in GRAPH_API_CALLS.collect():
        for sample in metric.samples:
            if not sample.name.endswith("_total"):
                continue
            endpoint = sample.labels["endpoint"]
            if endpoint.startswith(BATCH_ENDPOINT_PREFIX):
                operations += sample.value
                continue
            http += sample.value
            if endpoint != "POST /":
                operations += sample.value
    return Calls(http, operations)


def _settings(
    folder: Path, app_origin: str, sandbox_url: str, database_url: str | None, redis_url: str
) -> Settings:
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        data_dir=folder,
        database_url=database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        redis_url=redis_url,
        worker_queue=f"clipper-bench-{os.getpid()}:jobs",
        redis_key_prefix=f"clipper-bench-{os.getpid()}:",
        backend_url=app_origin,
        frontend_url=app_origin,
        graph_base_url=f"{sandbox_url}/graph",
        graph_rupload_url=f"{sandbox_url}/rupload",
        fernet_key=[Fernet.generate_key().decode()],
        worker_embedded=False,
        publish_video_upload=VideoUpload.URL,
        log_level="WARNING",
    )


async def _clip(session: Any, settings: Settings, user: User, name: str, data: bytes, kind: ClipKind) -> Clip:
    key = f"clips/{user.id}/{name}"
    path = settings.media_path / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    clip = Clip(
        user_id=user.id,
        filename=name,
        storage_key=key,
        kind=kind,
        size_bytes=len(data),
        content_type="image/jpeg" if kind is ClipKind.IMAGE else "video/mp4",
    )
    session.add(clip)
    await session.flush()
    return clip


async def _seed(app: Any, token: str, ig: str, posts: int) -> dict[str, Any]:
    settings: Settings = app.state.resources.settings
    async with unit_of_work(app.state.resources.session_factory) as session:
        user = User(email="bench@example.com", password_hash="x")
        session.add(user)
        await session.flush()
        account = Account(
            user_id=user.id,
            platform="instagram",
            platform_account_id=ig,
            page_access_token_enc=app.state.resources.cipher.encrypt(token),
            granted_permissions=["instagram_basic", "instagram_content_publish"],
        )
        session.add(account)
        image = await _clip(session, settings, user, "bench.jpg", jpeg(320, 320), ClipKind.IMAGE)
        video = await _clip(session, settings, user, "bench.mp4", mp4(90, 160, seconds=3.0), ClipKind.VIDEO)
        square = await _clip(
            session, settings, user, "square.mp4", mp4(160, 160, seconds=3.0), ClipKind.VIDEO
        )
        now = utcnow()
        for number in range(posts):
            session.add(
                SocialPost(
                    user_id=user.id,
                    account_id=account.id,
                    clip_id=image.id,
                    caption=f"Bench {number}",
                    media_type=MediaType.IMAGE,
                    status=PostStatus.SCHEDULED,
                    scheduled_for=now,
                    next_attempt_at=now,
                    options={},
                    timeline=[],
                )
            )
        return {
            "user": user.id,
            "account": account.id,
            "image": image.id,
            "video": video.id,
            "square_video": square.id,
        }


async def _drain(app: Any, concurrency: int) -> None:
    engine = Engine(app.state.resources)
    limit = asyncio.Semaphore(concurrency)

    async def run(post_id: int, lease: Any) -> None:
        async with limit:
            await engine.run(post_id=post_id, lease_until=lease)

    while True:
        async with unit_of_work(app.state.resources.session_factory) as session:
            claimed = await sweep.claim_due(session, lease_seconds=300, batch=concurrency * 4)
        if not claimed:
            async with unit_of_work(app.state.resources.session_factory) as session:
                waiting = await session.scalar(
                    select(SocialPost.id).where(SocialPost.status.in_(sweep.ACTIVE))
                )
            if waiting is None:
                return
            await asyncio.sleep(0.2)
            continue
        await asyncio.gather(*(run(post_id, lease) for post_id, lease in claimed))


async def _calls_for(
    app: Any, ids: dict[str, Any], media_type: MediaType, clips: list[int], upload: VideoUpload
) -> Calls:
    """Publish one post of `media_type` (videos sent by `upload`) and count its Graph traffic."""
    app.state.resources.settings = app.state.resources.settings.model_copy(
        update={"publish_video_upload": upload}
    )
    async with unit_of_work(app.state.resources.session_factory) as session:
        post = SocialPost(
            user_id=ids["user"],
            account_id=ids["account"],
            media_type=media_type,
            caption="x",
            status=PostStatus.SCHEDULED,
            next_attempt_at=utcnow(),
            options={},
            timeline=[],
            clip_id=None if media_type is MediaType.CAROUSEL else clips[0],
        )
        post.media = (
            [SocialPostMedia(clip_id=c, position=i) for i, c in enumerate(clips)]
            if media_type is MediaType.CAROUSEL
            else []
        )
        session.add(post)
    before = _graph_calls()
    await _drain(app, 1)
    return _graph_calls() - before


async def _per_type(app: Any, ids: dict[str, Any]) -> dict[str, Calls]:
    image, video = ids["image"], ids["video"]
    return {
        "carousel of 3 images": await _calls_for(app, ids, MediaType.CAROUSEL, [image] * 3, VideoUpload.URL),
        "carousel image+video+image": await _calls_for(
            app, ids, MediaType.CAROUSEL, [image, ids["square_video"], image], VideoUpload.URL
        ),
        "reel (video by URL)": await _calls_for(app, ids, MediaType.REELS, [video], VideoUpload.URL),
        "reel (resumable upload)": await _calls_for(app, ids, MediaType.REELS, [video], VideoUpload.RUPLOAD),
    }


# The worker scenario ---------------------------------------------------------------------------------


def _start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """`clipper worker` on the same database, Graph sandbox and media folder (its own in-process broker)."""
    env = {name: value for name, value in os.environ.items() if name.lower() not in Settings.model_fields}
    env |= {
        "ENVIRONMENT": settings.environment.value,
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(settings.data_dir),
        "BACKEND_URL": settings.backend_url,
        "FRONTEND_URL": settings.frontend_url,
        "GRAPH_BASE_URL": settings.graph_base_url,
        "GRAPH_RUPLOAD_URL": settings.graph_rupload_url,
        "FERNET_KEY": ",".join(settings.fernet_key),
        "PUBLISH_VIDEO_UPLOAD": VideoUpload.URL.value,
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": settings.redis_url,
        "WORKER_QUEUE": settings.worker_queue,
        "REDIS_KEY_PREFIX": settings.redis_key_prefix,
    }
    clipper = Path(sys.executable).parent / "clipper"
    return subprocess.Popen([str(clipper), "worker"], env=env, stderr=subprocess.DEVNULL)


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (Linux `VmHWM`)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


async def _add_posts(app: Any, ids: dict[str, Any], due: list[datetime], prefix: str) -> None:
    async with unit_of_work(app.state.resources.session_factory) as session:
        session.add_all(
            SocialPost(
                user_id=ids["user"],
                account_id=ids["account"],
                clip_id=ids["image"],
                caption=f"{prefix} {number}",
                media_type=MediaType.IMAGE,
                status=PostStatus.SCHEDULED,
                scheduled_for=when,
                next_attempt_at=when,
                options={},
                timeline=[],
            )
            for number, when in enumerate(due)
        )


async def _published(app: Any, prefix: str) -> int:
    async with unit_of_work(app.state.resources.session_factory) as session:
        query = select(func.count()).where(
            SocialPost.caption.startswith(prefix), SocialPost.status == PostStatus.PUBLISHED
        )
        return int(await session.scalar(query) or 0)


async def _wait_published(app: Any, prefix: str, count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (done := await _published(app, prefix)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    return done


@dataclass(frozen=True)
class WorkerFigures:
    posts: int
    published: int
    rate: float
    lateness: list[float]
    worker_rss_mb: float
    unpublished: dict[str, list[str]]


async def _unpublished(app: Any, prefix: str) -> dict[str, list[str]]:
    """Posts not published yet, by status, each with its last error code (why they are late)."""
    async with unit_of_work(app.state.resources.session_factory, immediate=False) as session:
        query = select(SocialPost.status, SocialPost.last_error_code).where(
            SocialPost.caption.startswith(prefix), SocialPost.status != PostStatus.PUBLISHED
        )
        rows = (await session.execute(query)).all()
    found: dict[str, list[str]] = {}
    for status, code in rows:
        found.setdefault(str(status.value), []).append(str(code))
    return found


async def _worker_scenario(app: Any, ids: dict[str, Any], posts: int, rate: float) -> WorkerFigures:
    """Spread due times at `rate` posts/s and let a `clipper worker` process publish them."""
    worker = _start_worker(app.state.resources.settings)
    try:
        # One post due now: published once the worker's sweep, broker and engine are all running.
        await _add_posts(app, ids, [utcnow()], "Warm-up")
        if await _wait_published(app, "Warm-up", 1, WORKER_STARTUP_SECONDS) < 1:
            raise RuntimeError("the worker process did not publish its first post")
        first = utcnow() + timedelta(seconds=2)
        await _add_posts(app, ids, [first + timedelta(seconds=i / rate) for i in range(posts)], "Spread")
        published = await _wait_published(app, "Spread", posts, posts / rate + 120)
        rss = _peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    late = await _unpublished(app, "Spread")
    return WorkerFigures(posts, published, rate, await _lateness(app, "Spread"), rss, late)


@dataclass(frozen=True)
class WorkersFigures:
    workers: int
    posts: int
    published: int
    lateness: list[float]
    worker_rss_mb: float


async def _workers_scenario(app: Any, ids: dict[str, Any], posts: int, workers: int) -> WorkersFigures:
    """A backlog of `posts` due at once, published by `workers` `clipper worker` processes sharing the
    database and the Redis task queue."""
    processes = [_start_worker(app.state.resources.settings) for _ in range(workers)]
    try:
        await _add_posts(app, ids, [utcnow()] * (2 * workers), "Prewarm")
        if await _wait_published(app, "Prewarm", 2 * workers, WORKER_STARTUP_SECONDS) < 2 * workers:
            raise RuntimeError("the worker processes did not publish their first posts")
        await _add_posts(app, ids, [utcnow()] * posts, "Workers")
        published = await _wait_published(app, "Workers", posts, posts / 5 + 120)
        rss = max(_peak_rss_mb(process.pid) for process in processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return WorkersFigures(workers, posts, published, await _lateness(app, "Workers"), rss)


@dataclass(frozen=True)
class Options:
    posts: int
    concurrency: int
    spread_posts: int
    spread_rate: float | None
    postgres: str | None
    redis_url: str
    workers: int
    worker_posts: int


async def main(options: Options) -> None:
    if options.postgres is None:
        await _main(options, None)
        return
    async with throwaway_database(options.postgres, prefix="clipper_bench") as database_url:
        await _main(options, database_url)


async def _main(options: Options, database_url: str | None) -> None:
    posts, concurrency = options.posts, options.concurrency
    spread_posts, spread_rate = options.spread_posts, options.spread_rate
    sandbox_socket, app_socket = listening_socket(), listening_socket()
    sandbox_url = origin_of(sandbox_socket)
    process = _start_sandbox(sandbox_socket)
    with tempfile.TemporaryDirectory() as folder, sandbox_socket, app_socket:
        settings = _settings(
            Path(folder), origin_of(app_socket), sandbox_url, database_url, options.redis_url
        )
        # The app leaves logging alone in the test environment; the figures should not drown in it.
        configure_logging(settings.log_level)
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
        app = create_app(settings)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        serving = asyncio.create_task(server.serve(sockets=[app_socket]))
        try:
            await _wait_until_up(sandbox_url)
            while not server.started:
                await asyncio.sleep(0.05)
            total = posts + spread_posts + options.worker_posts + 100
            async with httpx.AsyncClient(base_url=sandbox_url) as admin:
                await admin.patch(
                    "/_admin/config",
                    json={
                        "image_processing_seconds": 0,
                        "video_processing_seconds": 0,
                        "publish_quota": total,
                        "container_quota": 3 * total,
                        # Meta's app and per-account call budgets would pause the client for an hour
                        # long before 10,000 posts: the benchmark measures the engine, not the quota.
                        "app_calls_per_hour": 100 * total + 10_000,
                        "buc_calls_per_day": 100 * total + 10_000,
                    },
                )
            token, ig = await _page_token(sandbox_url)
            ids = await _seed(app, token, ig, posts)
            started, cpu_started = time.perf_counter(), time.process_time()
            calls_before = _graph_calls()
            await _drain(app, concurrency)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            per_type = {"image": (_graph_calls() - calls_before).per(posts)}
            lateness = await _lateness(app, "Bench")
            per_type |= await _per_type(app, ids)
            rate = spread_rate or round(posts / elapsed / 2, 1)
            spread = await _worker_scenario(app, ids, spread_posts, rate) if spread_posts else None
            many = None
            if options.workers:
                many = await _workers_scenario(app, ids, options.worker_posts, options.workers)
        finally:
            server.should_exit = True
            await serving
            process.terminate()
            process.wait(timeout=10)
    backend = "PostgreSQL" if database_url else "SQLite"
    _report(Backlog(posts, concurrency, elapsed, cpu, lateness, backend), per_type, spread, many)


async def _lateness(app: Any, prefix: str) -> list[float]:
    async with unit_of_work(app.state.resources.session_factory) as session:
        query = select(SocialPost.scheduled_for, SocialPost.published_at).where(
            SocialPost.caption.startswith(prefix)
        )
        rows = (await session.execute(query)).all()
    return sorted((done - due) / timedelta(seconds=1) for due, done in rows if due and done)


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted `values`."""
    if not values:
        return math.nan
    return values[max(0, math.ceil(share * len(values)) - 1)]


@dataclass(frozen=True)
class Backlog:
    posts: int
    concurrency: int
    elapsed: float
    # This process's CPU time (every thread: the event loop and SQLite's) while the backlog drained.
    cpu_seconds: float
    lateness: list[float]
    backend: str


def _line(name: str, value: float, unit: str = "", goal: str = "", met: bool | None = None) -> None:
    """One figure; with its goal (issue 14) beside it, and whether it is met."""
    verdict = "" if met is None else ("  met" if met else "  NOT MET")
    print(f"  {name:34}{value:10.2f} {unit:4}" + (f"  goal {goal}{verdict}" if goal else ""))


def _report(
    backlog: Backlog, per_type: dict[str, Calls], spread: WorkerFigures | None, many: WorkersFigures | None
) -> None:
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    posts, lateness = backlog.posts, backlog.lateness
    rate, p99 = posts / backlog.elapsed, _percentile(lateness, 0.99)
    cpu_ms = 1000 * backlog.cpu_seconds / posts
    print(
        f"1. Backlog: {posts} image posts due at once, engine in this process "
        f"({backlog.concurrency} in flight, {backlog.backend})"
    )
    _line("posts/s", rate, "", "≥ 200", rate >= 200)
    _line("p50 lateness (drain time)", _percentile(lateness, 0.5), "s")
    _line("p99 lateness (drain time)", p99, "s", "≤ 60 s", p99 <= 60)
    _line("CPU of this process per post", cpu_ms, "ms", "≤ 4 ms", cpu_ms <= 4)
    _line("peak RSS (app + engine)", rss_mb, "MB")
    if spread is not None:
        print(
            f"2. Worker: a `clipper worker` process, {spread.posts} image posts due at "
            f"{spread.rate:g} posts/s (sweep every second)"
        )
        print(f"  {'published':34}{spread.published:10d} of {spread.posts}")
        for status, codes in spread.unpublished.items():
            print(f"  {'still ' + status:34}{len(codes):10d}   (last error codes: {sorted(set(codes))})")
        _line("p50 lateness", _percentile(spread.lateness, 0.5), "s")
        _line("p99 lateness", _percentile(spread.lateness, 0.99), "s")
        worker_rss = spread.worker_rss_mb
        _line("peak RSS (worker process)", worker_rss, "MB", "≤ 150 MB", worker_rss <= 150)
    if many is not None:
        _report_workers(many)
    print("Graph calls per post: HTTP requests (a batch is one) / Graph operations (each batch item is one)")
    for name, calls in per_type.items():
        http_floor, operations_floor = FLOORS[name]
        print(
            f"  {name:34}{calls.http:6.1f} / {calls.operations:4.1f}"
            f"   (floor: {http_floor} HTTP / {operations_floor} operations)"
        )


def _report_workers(many: WorkersFigures) -> None:
    drained = many.lateness[-1] if many.lateness else math.nan
    rate = many.published / drained if drained else math.nan
    print(
        f"3. Workers: {many.posts} image posts due at once, {many.workers} `clipper worker` processes "
        "(PostgreSQL + Redis task queue)"
    )
    print(f"  {'published':34}{many.published:10d} of {many.posts}")
    _line("posts/s", rate, "", "≥ 200", rate >= 200)
    _line("p99 lateness (drain time)", _percentile(many.lateness, 0.99), "s")
    _line("peak RSS (largest worker)", many.worker_rss_mb, "MB", "≤ 150 MB", many.worker_rss_mb <= 150)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000, help="image posts of the backlog scenario")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--spread-posts", type=int, default=1_000, help="posts of the worker scenario (0: skip)"
    )
    parser.add_argument(
        "--spread-rate", type=float, default=None, help="posts/s (default: half the backlog rate)"
    )
    parser.add_argument(
        "--postgres",
        default=None,
        help="a PostgreSQL server URL (postgresql+asyncpg://…): every scenario runs on a throwaway "
        "database there instead of SQLite",
    )
    parser.add_argument("--redis-url", default="", help="Redis for the workers' task queue (scenario 3)")
    parser.add_argument(
        "--workers", type=int, default=0, help="scenario 3: this many `clipper worker` processes (0: skip)"
    )
    parser.add_argument("--worker-posts", type=int, default=10_000, help="posts of scenario 3")
    args = parser.parse_args()
    if args.workers and not (args.postgres and args.redis_url):
        parser.error("--workers needs --postgres and --redis-url (workers share the database and the queue)")
    # The event loop `clipper serve` and `clipper worker` run on (uvloop when installed).
    run_on_fast_loop(
        main(
            Options(
                args.posts,
                args.concurrency,
                args.spread_posts,
                args.spread_rate,
                args.postgres,
                args.redis_url,
                args.workers,
                args.worker_posts if args.workers else 0,
            )
        )
    )
