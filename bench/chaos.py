"""Chaos benchmark: 1,000 posts through faults and killed workers, every one published exactly once.

The operator's run of issue 10, on PostgreSQL and Redis: the API and the sandbox serve on a socket in
this process (no embedded worker), `--workers` `clipper worker` processes share one Redis queue, and one
of them, at random, is SIGKILLed every 8-10 s and replaced. The posts (800 images, 100 reels, 100
carousels with a video by default) fall due over `--spread` seconds while about a fifth of the Graph
calls fail (5xx, rate limits 4/17/613/80002, latency above the client's timeout, connections dropped
before and after the handler, more on `media_publish` and the publish batch). Then the faults and the
kills stop and the run waits, up to `--grace` seconds, for every post to end; nothing is nudged. Prints

    published once 1000/1000, duplicates 0, lost 0, failed 0, stuck 0

("failed" counts posts that failed by design, each with its message, listed below the line).

    TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres \\
    TEST_REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/chaos.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for the `tests` package
from clipper import migrate  # noqa: E402
from clipper.config import Environment, Settings  # noqa: E402
from tests.fixtures.postgres import throwaway_database  # noqa: E402
from tests.social import chaos  # noqa: E402
from tests.social.live_app import served_publisher  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=800)
    parser.add_argument("--reels", type=int, default=100)
    parser.add_argument("--carousels", type=int, default=100)
    parser.add_argument("--stories", type=int, default=0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--spread", type=float, default=75.0, help="seconds over which the posts fall due")
    parser.add_argument("--chaos", type=float, default=120.0, help="seconds of faults and kills")
    parser.add_argument("--grace", type=float, default=600.0, help="longest wait for the last posts")
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL", ""))
    return parser.parse_args(argv)


def _settings(folder: Path, database_url: str, redis_url: str) -> Settings:
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        data_dir=folder,
        database_url=database_url,
        redis_url=redis_url,
        # A namespace of its own: the sign-up throttle of an earlier run on the same Redis never applies.
        redis_key_prefix=f"bench-{secrets.token_hex(6)}:",
        backend_url="http://127.0.0.1:8000",
        frontend_url="http://127.0.0.1:8000",
        fernet_key=[Fernet.generate_key().decode()],
        worker_embedded=False,
        log_level="WARNING",
    )


async def run(args: argparse.Namespace, folder: Path) -> str:
    mix = chaos.Mix(images=args.images, reels=args.reels, carousels=args.carousels, stories=args.stories)
    async with throwaway_database(args.database_url, "clipper_chaos_bench") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        settings = _settings(folder, url, args.redis_url)
        async with served_publisher(settings, worker_embedded=False) as publisher:
            quota = 10 * mix.total
            limits = {"publish_quota": quota, "container_quota": 2 * quota, "video_processing_seconds": 0}
            await publisher.admin("PATCH", "config", limits)
            wanted = chaos.overrides(grace_seconds=20)
            wanted |= {"publish_lease_seconds": 60, "graph_timeout_seconds": 6.0}
            env = chaos.worker_env(wanted, redis_url=args.redis_url)
            workers = chaos.Workers(publisher, folder, env, count=args.workers)
            for rule in chaos.fault_rules(args.fault_rate):
                if rule["action"] == "latency":
                    rule["latency_seconds"] = 8.0
                await publisher.admin("POST", "faults", rule)
            ids = await chaos.seed(publisher, mix, spread_seconds=args.spread)
            started = time.monotonic()
            workers.start()
            calm = asyncio.Event()
            killing = asyncio.create_task(chaos.kill_while(workers, calm, (8.0, 10.0)))
            try:
                await asyncio.sleep(args.chaos)
                calm.set()
                await killing
                await chaos.settle(publisher, seconds=args.grace, check_unconfirmed=False)
            finally:
                calm.set()
                await workers.stop()
            result = await chaos.tally(publisher, ids)
            final = await chaos.statuses(publisher)
    print(f"{time.monotonic() - started:.0f} s, {workers.killed} workers killed, final {dict(final)}")
    for post_id, message in sorted(result.failures.items()):
        print(f"  failed post {post_id}: {message}")
    print(result.line())
    return result.line()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not (args.database_url and args.redis_url):
        print("bench/chaos.py needs PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL")
        return
    with tempfile.TemporaryDirectory(prefix="clipper-chaos-") as folder:
        asyncio.run(run(args, Path(folder)))


if __name__ == "__main__":
    main()
