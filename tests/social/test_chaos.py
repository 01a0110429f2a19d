"""Chaos: posts of every media type, about a fifth of the Graph calls failing in every way, worker
processes SIGKILLed and replaced; after a short grace every post is published exactly once, with the
sandbox's media id.

PostgreSQL and Redis (two `clipper worker` processes on one queue, SIGKILLed) when TEST_DATABASE_URL
and TEST_REDIS_URL are set, else SQLite and the app's in-process worker (cancelled mid-flight and
replaced). The full-size run is `bench/chaos.py`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from clipper import migrate
from clipper.config import Settings
from tests.fixtures.postgres import throwaway_database
from tests.social.chaos import (
    InProcessWorker,
    Mix,
    Workers,
    fault_rules,
    kill_while,
    overrides,
    seed,
    settle,
    skip_backoffs,
    statuses,
    tally,
    until_done,
    worker_env,
)
from tests.social.live_app import served_publisher

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
MIX = Mix(images=110, reels=30, carousels=30, stories=30)
FAULT_RATE = 0.2
# Faults and kills last until this share of the posts has ended, MIN_CHAOS at least, CHAOS_SECONDS at most.
CHAOS_SHARE = 0.85
CHAOS_SECONDS = 90.0
MIN_CHAOS = 45.0
# The grace ends as soon as every post has ended; the long bound is for a loaded machine.
GRACE_SECONDS = 90.0
# A killed worker process's replacement needs a few seconds of start-up before it does any work.
KILL_EVERY = (10.0, 12.0)
QUOTA = 10 * MIX.total


@pytest.fixture
async def database_url(settings: Settings) -> AsyncIterator[str]:
    """A throwaway migrated PostgreSQL database when one is configured, else the test's SQLite file."""
    if not (ADMIN_URL and REDIS_URL):
        yield settings.database_url
        return
    async with throwaway_database(ADMIN_URL, "clipper_chaos") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        yield url


def _describe(rule: dict[str, Any]) -> str:
    what = f"{rule['action']} {rule['code']}" if rule["action"] == "error" else rule["action"]
    return f"{what} on {rule['path']}"


class TestChaos:
    @pytest.mark.slow
    @pytest.mark.timeout(300)
    async def test_every_post_is_published_exactly_once_through_faults_and_kills(
        self, settings: Settings, database_url: str, tmp_path: Path
    ) -> None:
        redis = REDIS_URL if ADMIN_URL and REDIS_URL else None
        chaotic = overrides(grace_seconds=3)
        app_settings = {"database_url": database_url, "redis_url": redis or ""} | ({} if redis else chaotic)
        async with served_publisher(settings, worker_embedded=False, **app_settings) as publisher:
            limits = {"publish_quota": QUOTA, "container_quota": 2 * QUOTA, "video_processing_seconds": 0}
            await publisher.admin("PATCH", "config", limits)
            workers: Workers | InProcessWorker
            if redis:
                env = worker_env(chaotic, redis_url=redis)
                workers = Workers(publisher, tmp_path, env, count=2)
            else:
                workers = InProcessWorker(publisher, publisher.app.state.resources.settings)
            for rule in fault_rules(FAULT_RATE):
                await publisher.admin("POST", "faults", rule)
            ids = await seed(publisher, MIX, spread_seconds=20)
            await _begin(workers)
            calm = asyncio.Event()
            killing = asyncio.create_task(kill_while(workers, calm, KILL_EVERY))
            try:
                await until_done(
                    publisher, share=CHAOS_SHARE, total=MIX.total, seconds=CHAOS_SECONDS, at_least=MIN_CHAOS
                )
                fired = {_describe(rule): rule["hits"] for rule in await publisher.admin("GET", "faults")}
                calm.set()
                await killing
                await skip_backoffs(publisher)
                counts = await settle(publisher, seconds=GRACE_SECONDS)
            finally:
                calm.set()
                await workers.stop()
            result = await tally(publisher, ids)
            final = await statuses(publisher)

        report = f"{result.line()}; {dict(final)}; killed {workers.killed}; faults fired {fired}"
        assert workers.killed >= 3, report
        assert all(hits > 0 for hits in fired.values()), report
        assert counts == final, report
        assert result.duplicates == 0, report
        assert result.lost == 0, report
        assert result.stuck == 0, f"{report}; {result.waiting}"
        assert result.failed == 0, result.failures
        assert result.mismatched == [], report
        assert result.published_once == MIX.total, report


async def _begin(workers: Workers | InProcessWorker) -> None:
    if isinstance(workers, InProcessWorker):
        await workers.begin()
    else:
        workers.start()
