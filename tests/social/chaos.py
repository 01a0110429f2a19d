"""A chaos run (shared by `test_chaos.py` and `bench/chaos.py`): posts of every media type published by
`clipper worker` processes that are SIGKILLed and replaced, while the sandbox fails about a fifth of the
Graph calls in every way the issue lists; then a short grace without faults or kills, and the tally.

Database and queue: PostgreSQL and Redis (several worker processes sharing one Redis queue) when the run
is given their URLs, else SQLite and one worker process with its in-process broker.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from clipper.clips.models import Clip, ClipKind
from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.worker import Worker
from tests.fixtures.media_factory import jpeg, mp4
from tests.social.live_app import start_worker_process
from tests.social.publish_helpers import API, Publisher

CLIENT_TIMEOUT_SECONDS = 2.0
RATE_LIMIT_CODES = (4, 17, 613, 80002)
TERMINAL = (PostStatus.PUBLISHED, PostStatus.FAILED)


def fault_rules(rate: float) -> list[dict[str, Any]]:
    """About `rate` of all Graph calls fail, spread over every kind of fault; more on the publish path."""
    share = rate / 8
    rules: list[dict[str, Any]] = [
        {"action": "error", "code": 2, "http_status": 503, "is_transient": True, "rate": share},
        {"action": "error", "code": 1, "http_status": 500, "rate": share},
        *(
            {"action": "error", "code": code, "http_status": 400 if code != 4 else 403, "rate": share / 2}
            for code in RATE_LIMIT_CODES
        ),
        {"action": "latency", "latency_seconds": CLIENT_TIMEOUT_SECONDS + 1, "rate": share},
        {"action": "drop_before", "rate": share},
        {"action": "drop_after", "rate": share},
        # The publish itself, alone and inside the publish batch (the batch envelope is `POST /`).
        {"action": "drop_after", "path": "media_publish$", "rate": 0.15},
        {"action": "error", "path": "media_publish$", "code": 2, "http_status": 500, "rate": 0.05},
        {"action": "drop_after", "path": "^$", "method": "POST", "rate": 0.05},
    ]
    return rules


@dataclass
class Mix:
    images: int
    reels: int
    carousels: int
    stories: int

    @property
    def total(self) -> int:
        return self.images + self.reels + self.carousels + self.stories

    def kinds(self) -> list[MediaType]:
        kinds = (
            [MediaType.IMAGE] * self.images
            + [MediaType.REELS] * self.reels
            + [MediaType.CAROUSEL] * self.carousels
            + [MediaType.STORIES] * self.stories
        )
        random.Random(7).shuffle(kinds)
        return kinds


async def _clip(publisher: Publisher, name: str, data: bytes, kind: ClipKind, size: tuple[int, int]) -> int:
    settings: Settings = publisher.app.state.resources.settings
    key = f"clips/{publisher.user.user_id}/{name}"
    path = settings.media_path / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        clip = Clip(
            user_id=publisher.user.user_id,
            filename=name,
            storage_key=key,
            kind=kind,
            size_bytes=len(data),
            content_type="image/jpeg" if kind is ClipKind.IMAGE else "video/mp4",
            width=size[0],
            height=size[1],
            duration_seconds=3.0 if kind is ClipKind.VIDEO else None,
        )
        session.add(clip)
        await session.flush()
        return clip.id


async def seed(publisher: Publisher, mix: Mix, *, spread_seconds: float) -> list[int]:
    """The posts of `mix`, due one after the other over `spread_seconds`, straight in the database."""
    image = await _clip(publisher, "chaos.jpg", jpeg(320, 320), ClipKind.IMAGE, (320, 320))
    video = await _clip(publisher, "chaos.mp4", mp4(90, 160, seconds=3.0), ClipKind.VIDEO, (90, 160))
    square = await _clip(publisher, "square.mp4", mp4(160, 160, seconds=3.0), ClipKind.VIDEO, (160, 160))
    clip_of = {MediaType.IMAGE: image, MediaType.REELS: video, MediaType.STORIES: video}
    start, step = utcnow(), spread_seconds / max(1, mix.total)
    posts = []
    for number, kind in enumerate(mix.kinds()):
        due = start + timedelta(seconds=number * step)
        post = SocialPost(
            user_id=publisher.user.user_id,
            account_id=publisher.account["id"],
            clip_id=clip_of.get(kind),
            media_type=kind,
            caption=None if kind is MediaType.STORIES else f"Chaos {number}",
            status=PostStatus.SCHEDULED,
            scheduled_for=due,
            next_attempt_at=due,
            options={},
            timeline=[],
        )
        post.media = (
            [SocialPostMedia(clip_id=c, position=i) for i, c in enumerate((image, square, image))]
            if kind is MediaType.CAROUSEL
            else []
        )
        posts.append(post)
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        session.add_all(posts)
        await session.flush()
        return [post.id for post in posts]


@dataclass
class Workers:
    """`clipper worker` processes, killed with SIGKILL and replaced on demand."""

    publisher: Publisher
    folder: Path
    env: dict[str, str]
    count: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)
    killed: int = 0

    def start_one(self) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{len(self.logs)}.log").open("wb")
        self.logs.append(log)
        process = start_worker_process(self.publisher, self.folder, stderr=log, **self.env)
        self.processes.append(process)
        return process

    def start(self) -> None:
        for _ in range(self.count):
            self.start_one()

    async def kill(self, rng: random.Random) -> None:
        await asyncio.to_thread(self.kill_one, rng)

    def kill_one(self, rng: random.Random) -> None:
        alive = [process for process in self.processes if process.poll() is None]
        if not alive:
            return
        victim = rng.choice(alive)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        self.killed += 1
        self.processes.remove(victim)
        self.start_one()

    async def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.to_thread(process.wait, 15)
            except subprocess.TimeoutExpired:
                # A loaded machine can take longer to drain; SIGKILL is one of the faults anyway.
                process.kill()
                await asyncio.to_thread(process.wait, 15)
        for log in self.logs:
            log.close()


@dataclass
class InProcessWorker:
    """The app's own worker (SQLite, in-process broker): "killed" by cancelling it mid-flight, every job
    at whatever await it is in, and replaced by a new one (the database keeps only committed steps)."""

    publisher: Publisher
    settings: Settings
    killed: int = 0

    def start(self) -> None:
        state = self.publisher.app.state
        state.resources.settings = self.settings
        state.worker = Worker(state.resources, consume=True)

    async def begin(self) -> None:
        self.start()
        await self.publisher.app.state.worker.start()

    async def kill(self, rng: random.Random) -> None:
        del rng
        await self.publisher.app.state.worker.stop()
        self.killed += 1
        await self.begin()

    async def stop(self) -> None:
        await self.publisher.app.state.worker.stop()


def overrides(*, grace_seconds: float) -> dict[str, Any]:
    """The settings of a chaos run: quick sweeps, short leases and grace, a short client timeout."""
    return {
        "publish_sweep_seconds": 0.3,
        "publish_sweep_batch": 50,
        "publish_lease_seconds": 15,
        "publish_unconfirmed_grace_seconds": grace_seconds,
        "publish_video_upload": "url",
        "graph_timeout_seconds": CLIENT_TIMEOUT_SECONDS,
    }


def worker_env(settings: dict[str, Any], *, redis_url: str | None) -> dict[str, str]:
    """The environment of a `clipper worker` process with these settings."""
    env = {
        name.upper(): f"{value:g}" if isinstance(value, float) else str(value)
        for name, value in settings.items()
    }
    env["LOG_LEVEL"] = "WARNING"
    if redis_url:
        env |= {"REDIS_URL": redis_url, "WORKER_QUEUE": f"chaos:jobs:{secrets.token_hex(4)}"}
    return env


async def statuses(publisher: Publisher) -> Counter[str]:
    async with unit_of_work(publisher.app.state.resources.session_factory, immediate=False) as session:
        rows = await session.scalars(select(SocialPost.status))
        return Counter(status.value for status in rows)


async def until_done(
    publisher: Publisher, *, share: float, total: int, seconds: float, at_least: float = 0.0
) -> None:
    """Wait until `share` of the `total` posts have ended (published or failed) and `at_least` seconds
    have passed, at most `seconds`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while loop.time() < started + seconds:
        counts = await statuses(publisher)
        done = sum(counts[status.value] for status in TERMINAL) >= share * total
        if done and loop.time() >= started + at_least:
            return
        await asyncio.sleep(1.0)


async def kill_while(
    workers: Workers | InProcessWorker, until: asyncio.Event, every: tuple[float, float]
) -> None:
    """Kill a random worker every `every` seconds (and start another) until `until` is set."""
    rng = random.Random(11)
    while not until.is_set():
        try:
            await asyncio.wait_for(until.wait(), rng.uniform(*every))
        except TimeoutError:
            await workers.kill(rng)


async def settle(publisher: Publisher, *, seconds: float, check_unconfirmed: bool = True) -> Counter[str]:
    """The grace: faults gone (and, with `check_unconfirmed`, a user asking to check each unconfirmed
    post now), until every post is done or `seconds` have passed."""
    await publisher.admin("DELETE", "faults")
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        counts = await statuses(publisher)
        if set(counts) <= {status.value for status in TERMINAL}:
            return counts
        if asyncio.get_running_loop().time() > deadline:
            return counts
        for post_id in await _unconfirmed(publisher) if check_unconfirmed else []:
            await publisher.client.post(f"{API}{post_id}/check", headers=publisher.headers)
        await asyncio.sleep(1.0)


async def _unconfirmed(publisher: Publisher) -> list[int]:
    async with unit_of_work(publisher.app.state.resources.session_factory, immediate=False) as session:
        query = select(SocialPost.id).where(
            SocialPost.status == PostStatus.UNCONFIRMED, SocialPost.next_attempt_at > utcnow()
        )
        return list(await session.scalars(query))


async def skip_backoffs(publisher: Publisher) -> None:
    """Move every pending retry to now (the clock of a short test; the bench waits them out)."""
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        await session.execute(
            update(SocialPost)
            .where(SocialPost.status.in_((PostStatus.SCHEDULED, PostStatus.PUBLISHING)))
            .where(SocialPost.next_attempt_at > utcnow())
            .values(next_attempt_at=utcnow())
        )


@dataclass
class Tally:
    posts: int
    published_once: int
    duplicates: int
    lost: int
    failed: int
    stuck: int
    mismatched: list[str]
    failures: dict[int, str]
    waiting: list[str]

    def line(self) -> str:
        return (
            f"published once {self.published_once}/{self.posts}, duplicates {self.duplicates}, "
            f"lost {self.lost}, failed {self.failed}, stuck {self.stuck}"
        )


async def tally(publisher: Publisher, ids: list[int]) -> Tally:
    """Compare every post with what the sandbox holds, through the containers each post created."""
    async with unit_of_work(publisher.app.state.resources.session_factory, immediate=False) as session:
        query = select(SocialPost).where(SocialPost.id.in_(ids)).options(selectinload(SocialPost.media))
        posts = list(await session.scalars(query))
    records = await publisher.published()
    post_of_container = {
        entry["detail"]: post.id
        for post in posts
        for entry in post.timeline or []
        if entry.get("event") == "container_created" and entry.get("detail")
    }
    media_of_post: dict[int, list[str]] = {}
    for record in records:
        owner = post_of_container.get(record["container_id"])
        media_of_post.setdefault(owner if owner is not None else -1, []).append(record["media_id"])
    published = [p for p in posts if p.status is PostStatus.PUBLISHED]
    once = [p for p in published if media_of_post.get(p.id) == [p.platform_post_id]]
    extra = sum(len(media) - 1 for owner, media in media_of_post.items() if owner != -1 and media)
    failed = {p.id: p.error_message or "" for p in posts if p.status is PostStatus.FAILED}
    return Tally(
        posts=len(posts),
        published_once=len(once),
        duplicates=extra + len(media_of_post.get(-1, [])),
        lost=sum(1 for p in posts if p.id not in media_of_post and p.status is not PostStatus.FAILED),
        failed=len(failed),
        stuck=sum(1 for p in posts if p.status not in TERMINAL),
        mismatched=[
            f"post {p.id} ({p.media_type.value}): {p.platform_post_id}, sandbox {media_of_post.get(p.id)}"
            for p in published
            if p not in once
        ],
        failures=failed,
        waiting=[
            f"post {p.id} ({p.media_type.value}) {p.status.value} next {p.next_attempt_at} "
            f"attempts {p.attempts}: {[e.get('event') for e in (p.timeline or [])][-4:]}"
            for p in posts
            if p.status not in TERMINAL
        ],
    )
