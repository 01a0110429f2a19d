"""Two workers on PostgreSQL + Redis publish 500 due posts; none is published twice; stopping is quick.

Defined only when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both): the point is the
Redis queue shared by two consumers and PostgreSQL's `FOR UPDATE SKIP LOCKED` under concurrent sweeps.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import func, pool, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from auth_helpers import signup
from clipper import migrate, worker
from clipper.config import Settings
from clipper.db import create_engine, create_session_factory, unit_of_work, utcnow
from clipper.social.models import MediaType, PostStatus, SocialPost
from media_factory import jpeg
from oauth_flow import connect_instagram
from social.publish_helpers import Publisher

# ~17 s on a 2-core runner (app, sandbox and both workers share one event loop); TWO_WORKER_POSTS
# changes the count for a quick local run.
POSTS = int(os.environ.get("TWO_WORKER_POSTS", "500"))
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


async def _admin(statement: str) -> None:
    engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A throwaway, migrated PostgreSQL database whose commits are real."""
    name = f"clipper_workers_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _seed(app_state: SimpleNamespace, account_id: int, user_id: int, clip_id: int) -> None:
    now = utcnow()
    async with unit_of_work(app_state.session_factory) as session:
        session.add_all(
            SocialPost(
                user_id=user_id,
                account_id=account_id,
                clip_id=clip_id,
                media_type=MediaType.IMAGE,
                caption=f"Post {number}",
                status=PostStatus.SCHEDULED,
                scheduled_for=now,
                next_attempt_at=now,
                options={},
                timeline=[],
            )
            for number in range(POSTS)
        )


async def _published_count(state: SimpleNamespace) -> int:
    async with unit_of_work(state.session_factory) as session:
        query = select(func.count()).select_from(SocialPost).where(SocialPost.status == PostStatus.PUBLISHED)
        return int(await session.scalar(query) or 0)


if ADMIN_URL and REDIS_URL:

    class TestTwoWorkers:
        async def test_publish_many_due_posts_without_publishing_any_twice(
            self, settings: Settings, postgres_url: str
        ) -> None:
            from clipper.main import create_app

            settings = settings.model_copy(
                update={
                    "database_url": postgres_url,
                    "redis_url": REDIS_URL,
                    "worker_embedded": True,
                    "worker_queue": f"test:jobs:{secrets.token_hex(4)}",
                    "publish_sweep_batch": 100,
                }
            )
            app = create_app(settings)
            app.state.graph_transport = httpx.ASGITransport(app=app)
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                    user = await signup(client)
                    account = await connect_instagram(client, user.headers)
                    publisher = Publisher(client=client, app=app, user=user, account=account)
                    await publisher.admin(
                        "PATCH",
                        "config",
                        {
                            "image_processing_seconds": 0,
                            "publish_quota": 2 * POSTS,
                            "container_quota": 2 * POSTS,
                        },
                    )
                    clip_id = await publisher.clip(jpeg(320, 320), "tiny.jpg")
                    engine = create_engine(postgres_url)
                    names = ("settings", "cipher", "graph", "kv", "events", "http_client")
                    second = SimpleNamespace(**{name: getattr(app.state, name) for name in names})
                    second.session_factory = create_session_factory(engine)
                    other = worker.Worker(second, consume=True)
                    second.worker = other
                    await _seed(app.state, account["id"], user.user_id, clip_id)
                    await other.start()
                    try:
                        deadline = asyncio.get_running_loop().time() + 50
                        while await _published_count(app.state) < POSTS:
                            assert asyncio.get_running_loop().time() < deadline, "not all posts published"
                            await asyncio.sleep(0.5)
                    finally:
                        stopping = asyncio.get_running_loop().time()
                        await other.stop()
                        stop_seconds = asyncio.get_running_loop().time() - stopping
                        await engine.dispose()
                    published = await publisher.published()

            media_ids = [item["media_id"] for item in published]
            containers = [item["container_id"] for item in published]
            assert len(media_ids) == POSTS
            assert len(set(containers)) == POSTS
            assert len({item["params"]["caption"] for item in published}) == POSTS
            assert stop_seconds < 2.0, f"the Redis worker took {stop_seconds:.1f} s to stop"
