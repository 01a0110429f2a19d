"""Kill the engine at a chosen point and recover the post, on an app whose database commits for real.

Also: count the media_publish calls the sandbox receives, add faults, and make a post due again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from clipper.db import unit_of_work, utcnow
from clipper.instagram import InstagramGraphAPI
from clipper.social import sweep
from clipper.social.engine import Engine
from clipper.social.models import SocialPost
from tests.fixtures.graph_observer import observed_graph_client
from tests.social.publish_helpers import TERMINAL, Publisher

LEASE = 300


class KillAfterCall:
    """An `on_call` hook that cancels the running engine task right after its `kill_at`-th HTTP call.

    The call's effect stays at Meta; the step's commit never happens (the worker died in between).
    """

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at = kill_at
        self.calls = 0
        self.killed = False

    def __call__(self, _what: str, _status: int | None, _code: int | None, _seconds: float) -> None:
        self.calls += 1
        if self.calls == self.kill_at:
            task = asyncio.current_task()
            assert task is not None
            self.killed = True
            task.cancel()


def graph_with_hook(publisher: Publisher, hook: Any) -> InstagramGraphAPI:
    """A Graph client like the app's, on its HTTP client, whose `on_call` is `hook`."""
    return observed_graph_client(publisher.app, hook)


async def claim(publisher: Publisher, *, after_lease: bool = False) -> list[tuple[int, Any]]:
    """One sweep; `after_lease` sweeps as if the lease of a dead worker had run out."""
    now = utcnow() + timedelta(seconds=LEASE + 1) if after_lease else None
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        return await sweep.claim_due(session, lease_seconds=LEASE, batch=50, now=now)


async def killed_run(publisher: Publisher, post_id: int, *, kill_at: int | None, max_steps: int = 40) -> bool:
    """Claim the post and run it, dying after the `kill_at`-th Graph call; True when it was killed."""
    resources = publisher.app.state.resources
    hook = KillAfterCall(kill_at)
    original, resources.graph = resources.graph, graph_with_hook(publisher, hook)
    try:
        claimed = dict(await claim(publisher))
        assert post_id in claimed
        task = asyncio.create_task(
            Engine(resources).run(post_id=post_id, lease_until=claimed[post_id], max_steps=max_steps)
        )
        try:
            await task
        except asyncio.CancelledError:
            assert hook.killed
    finally:
        resources.graph = original
    return hook.killed


async def recover(publisher: Publisher, post_id: int, *, timeout: float = 30.0) -> dict[str, Any]:
    """Another worker takes the post over once the lease ran out and drives it to the end."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        for same, lease in await claim(publisher, after_lease=True):
            await Engine(publisher.app.state.resources).run(post_id=same, lease_until=lease)
        post = await publisher.post(post_id)
        if post["status"] in TERMINAL or asyncio.get_running_loop().time() > deadline:
            return post
        await asyncio.sleep(0.1)


async def count_publish_calls(publisher: Publisher) -> Callable[[], Awaitable[int]]:
    """Start counting the media_publish calls the sandbox receives; returns the reader."""
    rule = await publisher.admin(
        "POST", "faults", {"action": "latency", "path": "media_publish$", "latency_seconds": 0, "times": None}
    )

    async def count() -> int:
        rules = await publisher.admin("GET", "faults")
        return int(next(item["hits"] for item in rules if item["id"] == rule["id"]))

    return count


async def fault(publisher: Publisher, **rule: Any) -> None:
    await publisher.admin("POST", "faults", {"times": 1, **rule})


async def make_due(publisher: Publisher, post_id: int, *, sent_seconds_ago: float | None = None) -> None:
    """The post's next check is now; `sent_seconds_ago` moves its publish intent back in time."""
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        post = await session.get_one(SocialPost, post_id)
        post.next_attempt_at = utcnow()
        post.lease_until = None
        if sent_seconds_ago is not None:
            post.publish_sent_at = utcnow() - timedelta(seconds=sent_seconds_ago)
