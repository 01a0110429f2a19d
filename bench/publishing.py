"""Benchmark: the publishing engine against the sandbox in a separate process (figures, not a test).

Our app runs in this process behind uvicorn (it serves the clip files the sandbox fetches); the sandbox
runs in its own process. N due image posts are claimed by the sweep and run by the engine, `--concurrency`
at a time, as the worker would. Reported: posts/s, p99 lateness (published_at - scheduled_for), Graph
calls per post by media type, and this process's peak RSS.

    .venv/bin/python bench/publishing.py                 # 10,000 due image posts
    .venv/bin/python bench/publishing.py --posts 200     # small run
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.fernet import Fernet
from sqlalchemy import select

from clipper import migrate
from clipper.accounts.models import Account
from clipper.clips.models import Clip, ClipKind
from clipper.config import Environment, Settings, VideoUpload
from clipper.db import unit_of_work, utcnow
from clipper.main import create_app
from clipper.observability import GRAPH_API_CALLS
from clipper.social import sweep
from clipper.social.engine import Engine
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.users.models import User
from graph_client import _free_port, _page_token, _start_sandbox, _wait_until_up

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from media_factory import jpeg, mp4  # noqa: E402

FLOORS = {"image": "3", "carousel of 3": "n + 3 = 6", "reel": "3 + processing polls"}


def _graph_calls() -> float:
    return sum(
        sample.value
        for metric in GRAPH_API_CALLS.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
    )


def _settings(folder: Path, app_port: int, sandbox_url: str) -> Settings:
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        data_dir=folder,
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        backend_url=f"http://127.0.0.1:{app_port}",
        frontend_url=f"http://127.0.0.1:{app_port}",
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
    settings: Settings = app.state.settings
    async with unit_of_work(app.state.session_factory) as session:
        user = User(email="bench@example.com", password_hash="x")
        session.add(user)
        await session.flush()
        account = Account(
            user_id=user.id,
            platform="instagram",
            platform_account_id=ig,
            page_access_token_enc=app.state.cipher.encrypt(token),
            granted_permissions=["instagram_basic", "instagram_content_publish"],
        )
        session.add(account)
        image = await _clip(session, settings, user, "bench.jpg", jpeg(320, 320), ClipKind.IMAGE)
        video = await _clip(session, settings, user, "bench.mp4", mp4(90, 160, seconds=3.0), ClipKind.VIDEO)
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
        return {"user": user.id, "account": account.id, "image": image.id, "video": video.id}


async def _drain(app: Any, concurrency: int) -> None:
    engine = Engine(app.state)
    limit = asyncio.Semaphore(concurrency)

    async def run(post_id: int, lease: Any) -> None:
        async with limit:
            await engine.run(post_id=post_id, lease_until=lease)

    while True:
        async with unit_of_work(app.state.session_factory) as session:
            claimed = await sweep.claim_due(session, lease_seconds=300, batch=concurrency * 4)
        if not claimed:
            async with unit_of_work(app.state.session_factory) as session:
                waiting = await session.scalar(
                    select(SocialPost.id).where(SocialPost.status.in_(sweep.ACTIVE))
                )
            if waiting is None:
                return
            await asyncio.sleep(0.2)
            continue
        await asyncio.gather(*(run(post_id, lease) for post_id, lease in claimed))


async def _calls_for(app: Any, ids: dict[str, Any], media_type: MediaType, clips: list[int]) -> float:
    async with unit_of_work(app.state.session_factory) as session:
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


async def main(posts: int, concurrency: int) -> None:
    sandbox_port, app_port = _free_port(), _free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    process = _start_sandbox(sandbox_port)
    with tempfile.TemporaryDirectory() as folder:
        settings = _settings(Path(folder), app_port, sandbox_url)
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
        app = create_app(settings)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        try:
            await _wait_until_up(sandbox_url)
            while not server.started:
                await asyncio.sleep(0.05)
            async with httpx.AsyncClient(base_url=sandbox_url) as admin:
                await admin.patch(
                    "/_admin/config",
                    json={
                        "image_processing_seconds": 0,
                        "video_processing_seconds": 0,
                        "publish_quota": posts + 100,
                        "container_quota": 3 * posts + 100,
                        # Meta's app and per-account call budgets would pause the client for an hour
                        # long before 10,000 posts: the benchmark measures the engine, not the quota.
                        "app_calls_per_hour": 100 * posts + 10_000,
                        "buc_calls_per_day": 100 * posts + 10_000,
                    },
                )
            token, ig = await _page_token(sandbox_url)
            ids = await _seed(app, token, ig, posts)
            started = time.perf_counter()
            calls_before = _graph_calls()
            await _drain(app, concurrency)
            elapsed = time.perf_counter() - started
            image_calls = (_graph_calls() - calls_before) / posts
            lateness = await _lateness(app)
            per_type = {
                "image": image_calls,
                "carousel of 3": await _calls_for(app, ids, MediaType.CAROUSEL, [ids["image"]] * 3),
                "reel": await _calls_for(app, ids, MediaType.REELS, [ids["video"]]),
            }
        finally:
            server.should_exit = True
            await serving
            process.terminate()
            process.wait(timeout=10)
    _report(posts, concurrency, elapsed, lateness, per_type)


async def _lateness(app: Any) -> list[float]:
    async with unit_of_work(app.state.session_factory) as session:
        rows = (await session.execute(select(SocialPost.scheduled_for, SocialPost.published_at))).all()
    return sorted((done - due) / timedelta(seconds=1) for due, done in rows if due and done)


def _report(
    posts: int, concurrency: int, elapsed: float, lateness: list[float], per_type: dict[str, float]
) -> None:
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Publishing engine against the sandbox ({posts} due image posts, {concurrency} in flight)")
    print(f"  {'posts/s':28}{posts / elapsed:10.1f}")
    print(f"  {'p99 lateness':28}{lateness[int(len(lateness) * 0.99) - 1]:10.2f} s")
    for name, calls in per_type.items():
        print(f"  {'Graph calls per ' + name:28}{calls:10.1f}   (floor: {FLOORS[name]})")
    print(f"  {'peak RSS (app + worker)':28}{rss_mb:10.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.posts, args.concurrency))
