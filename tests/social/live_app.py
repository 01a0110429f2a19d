"""An app on its own migrated database whose commits are real (no shared savepoint), lifespan running."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import uvicorn
from sqlalchemy import func, select

from clipper import migrate
from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.social.models import MediaType, PostStatus, SocialPost
from tests.fixtures.auth import signup
from tests.fixtures.live_server import listening_socket, origin_of
from tests.fixtures.oauth_flow import connect_instagram
from tests.social.publish_helpers import Publisher


@asynccontextmanager
async def live_publisher(settings: Settings, **overrides: Any) -> AsyncIterator[Publisher]:
    """A connected publisher on an app whose database (settings.database_url) is migrated first."""
    from clipper.main import create_app

    settings = settings.model_copy(update=overrides)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    app = create_app(settings)
    app.state.graph_transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            user = await signup(client)
            account = await connect_instagram(client, user.headers)
            publisher = Publisher(client=client, app=app, user=user, account=account)
            await publisher.admin(
                "PATCH", "config", {"image_processing_seconds": 0, "video_processing_seconds": 0}
            )
            yield publisher


async def seed_due(publisher: Publisher, clip_id: int, count: int, *, prefix: str = "Post") -> list[int]:
    """`count` scheduled IMAGE posts due now, straight in the database; their ids."""
    now = utcnow()
    posts = [
        SocialPost(
            user_id=publisher.user.user_id,
            account_id=publisher.account["id"],
            clip_id=clip_id,
            media_type=MediaType.IMAGE,
            caption=f"{prefix} {number}",
            status=PostStatus.SCHEDULED,
            scheduled_for=now,
            next_attempt_at=now,
            options={},
            timeline=[],
        )
        for number in range(count)
    ]
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        session.add_all(posts)
        await session.flush()
        return [post.id for post in posts]


async def count_by_status(publisher: Publisher) -> dict[str, int]:
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        rows = await session.execute(select(SocialPost.status, func.count()).group_by(SocialPost.status))
        return {status.value: int(count) for status, count in rows}


async def wait_for(publisher: Publisher, *, published: int, timeout: float) -> dict[str, int]:
    """Poll the database until `published` posts are published (or the timeout passes)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        counts = await count_by_status(publisher)
        if counts.get("published", 0) >= published or asyncio.get_running_loop().time() > deadline:
            return counts
        await asyncio.sleep(0.2)


@asynccontextmanager
async def served_publisher(settings: Settings, **overrides: Any) -> AsyncIterator[Publisher]:
    """Like `live_publisher`, but the app listens on a real socket (uvicorn) and the client uses it."""
    from clipper.main import create_app

    sock = listening_socket()
    origin = origin_of(sock)
    settings = settings.model_copy(update={"backend_url": origin, "frontend_url": origin, **overrides})
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    app = create_app(settings)
    async with serving(app, sock), httpx.AsyncClient(base_url=origin, timeout=30) as client:
        user = await signup(client)
        account = await connect_instagram(client, user.headers)
        publisher = Publisher(client=client, app=app, user=user, account=account)
        await publisher.admin("PATCH", "config", {"image_processing_seconds": 0})
        yield publisher


@asynccontextmanager
async def served_app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Another API process on the same settings (database, Redis): a client of it on its own socket."""
    from clipper.main import create_app

    sock = listening_socket()
    origin = origin_of(sock)
    app = create_app(settings.model_copy(update={"backend_url": origin, "frontend_url": origin}))
    async with serving(app, sock), httpx.AsyncClient(base_url=origin, timeout=30) as client:
        yield client


@asynccontextmanager
async def serving(app: Any, sock: socket.socket) -> AsyncIterator[None]:
    """Run `app` under uvicorn on the listening socket `sock` for the duration (then close it)."""
    app.state.graph_transport = httpx.ASGITransport(app=app)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), "uvicorn did not start"
            await asyncio.sleep(0.02)
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()


def start_worker_process(
    publisher: Publisher, cwd: Path, *, stderr: IO[bytes] | int = subprocess.DEVNULL, **env: str
) -> subprocess.Popen[bytes]:
    """A `clipper worker` process on the publisher's database and served sandbox; `env`: more settings."""
    settings: Settings = publisher.app.state.resources.settings
    inherited = {
        name: value for name, value in os.environ.items() if name.lower() not in Settings.model_fields
    }
    inherited |= {
        "ENVIRONMENT": settings.environment.value,
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(settings.data_dir),
        "BACKEND_URL": settings.backend_url,
        "FRONTEND_URL": settings.frontend_url,
        "FERNET_KEY": ",".join(settings.fernet_key),
        "REDIS_KEY_PREFIX": settings.redis_key_prefix,
        "LOG_LEVEL": "WARNING",
        **env,
    }
    clipper = Path(sys.executable).parent / "clipper"
    return subprocess.Popen([str(clipper), "worker"], env=inherited, cwd=cwd, stderr=stderr)
