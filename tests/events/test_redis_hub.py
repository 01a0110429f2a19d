"""RedisEventHub: events cross processes through Redis, stay with their user, never fail the publisher."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from clipper.events.hub import Event, RedisEventHub

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
WAIT_SECONDS = 5


def unique_user_id() -> int:
    # Other test sessions may publish on the same Redis database: ids they never use.
    return 10**12 + secrets.randbelow(10**9)


@asynccontextmanager
async def two_processes(
    api_prefix: str = "clipper:", worker_prefix: str = "clipper:"
) -> AsyncIterator[tuple[RedisEventHub, RedisEventHub]]:
    """Two hubs sharing one Redis URL, as the API process and a worker process would."""
    api = RedisEventHub(REDIS_URL, key_prefix=api_prefix)
    worker = RedisEventHub(REDIS_URL, key_prefix=worker_prefix)
    await api.start()
    await worker.start()
    try:
        yield api, worker
    finally:
        await api.close()
        await worker.close()


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL to run the Redis event hub tests")
class TestAcrossProcesses:
    async def test_an_event_published_in_one_process_reaches_a_stream_in_the_other(self) -> None:
        user_id = unique_user_id()
        async with two_processes() as (api, worker), api.subscribe(user_id) as stream:
            await worker.publish_event(user_id, "comment.created", {"id": 7, "text": "hi"})
            event = await asyncio.wait_for(stream.get(), WAIT_SECONDS)
        assert event == Event(user_id=user_id, type="comment.created", data={"id": 7, "text": "hi"})

    async def test_another_users_stream_gets_nothing(self) -> None:
        owner, stranger = unique_user_id(), unique_user_id()
        async with (
            two_processes() as (api, worker),
            api.subscribe(owner) as owners,
            api.subscribe(stranger) as strangers,
        ):
            await worker.publish_event(owner, "post.status", {"id": 1, "status": "published"})
            # Redis keeps one connection's messages in order: the stranger's first event is the marker
            # published after the owner's, so the owner's event never reached the stranger's stream.
            await worker.publish_event(stranger, "marker")
            assert (await asyncio.wait_for(owners.get(), WAIT_SECONDS)).type == "post.status"
            first = await asyncio.wait_for(strangers.get(), WAIT_SECONDS)
        assert (first.user_id, first.type) == (stranger, "marker")
        assert owners.queue.empty()

    async def test_every_open_stream_of_the_user_gets_the_event_once(self) -> None:
        user_id = unique_user_id()
        async with (
            two_processes() as (api, worker),
            api.subscribe(user_id) as tab,
            worker.subscribe(user_id) as other_tab,
        ):
            await api.publish_event(user_id, "message.created", {"id": 3})
            await worker.publish_event(user_id, "marker")
            for stream in (tab, other_tab):
                events = [await asyncio.wait_for(stream.get(), WAIT_SECONDS) for _ in range(2)]
                assert [e.type for e in events] == ["message.created", "marker"]

    async def test_another_deployment_on_the_same_redis_never_sees_the_event(self) -> None:
        user_id = unique_user_id()  # user ids repeat between deployments: only the prefix tells them apart
        async with (
            two_processes("ours:", "theirs:") as (ours, theirs),
            ours.subscribe(user_id) as our_stream,
            theirs.subscribe(user_id) as their_stream,
        ):
            await theirs.publish_event(user_id, "post.status", {"id": 1})
            await ours.publish_event(user_id, "marker")
            assert (await asyncio.wait_for(their_stream.get(), WAIT_SECONDS)).type == "post.status"
            assert (await asyncio.wait_for(our_stream.get(), WAIT_SECONDS)).type == "marker"
            assert their_stream.queue.empty()


class TestPublishFailures:
    async def test_a_publish_redis_refuses_never_raises(self) -> None:
        hub = RedisEventHub("redis://127.0.0.1:6379/15")  # never started: only `publish` is exercised
        attempts: list[str] = []

        async def refuse(channel: str, message: str) -> int:
            attempts.append(channel)
            raise ConnectionError("Redis went away")

        hub._redis.publish = refuse
        try:
            await hub.publish_event(42, "comment.created", {"id": 1})
        finally:
            await hub.close()
        assert attempts == ["clipper:events:42"]
