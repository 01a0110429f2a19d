"""The worker's Redis queue: an idle receiver is quiet; a failing one logs once, then once on recovery.

Runs against the Redis of TEST_REDIS_URL (a short socket timeout, so an idle read outlives it quickly).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from structlog.testing import capture_logs
from taskiq.api import run_receiver_task

from clipper.redis_queue import QuietListQueueBroker

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set TEST_REDIS_URL"),
]
SOCKET_TIMEOUT = 1.0


def _url() -> str:
    return f"{REDIS_URL}{'&' if '?' in REDIS_URL else '?'}socket_timeout={SOCKET_TIMEOUT:g}"


@pytest.fixture
async def broker() -> AsyncIterator[QuietListQueueBroker]:
    queue = QuietListQueueBroker(_url(), queue_name=f"test-queue-{uuid.uuid4().hex}", retry_base_seconds=0.05)
    await queue.startup()
    try:
        yield queue
    finally:
        async with Redis.from_url(REDIS_URL) as redis:
            await redis.delete(queue.queue_name)
        await queue.shutdown()


async def _receive(broker: QuietListQueueBroker, seconds: float) -> list[bytes]:
    received: list[bytes] = []

    async def consume() -> None:
        async for message in broker.listen():
            received.append(message)

    task = asyncio.create_task(consume())
    await asyncio.sleep(seconds)
    assert not task.done(), task.exception()  # the receiver never gives up on its own
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return received


def _problems(events: list[dict[str, Any]], records: list[logging.LogRecord]) -> list[str]:
    ours = [str(event["event"]) for event in events if event["log_level"] in ("warning", "error")]
    theirs = [record.getMessage() for record in records if record.levelno >= logging.WARNING]
    return ours + theirs


class TestIdleReceiver:
    async def test_an_idle_queue_logs_nothing_past_the_socket_timeout(
        self, broker: QuietListQueueBroker, caplog: pytest.LogCaptureFixture
    ) -> None:
        with capture_logs() as events, caplog.at_level(logging.WARNING):
            received = await _receive(broker, SOCKET_TIMEOUT * 3)

        assert received == []
        assert _problems(events, caplog.records) == []

    async def test_taskiqs_receiver_on_an_idle_queue_logs_nothing(
        self, broker: QuietListQueueBroker, caplog: pytest.LogCaptureFixture
    ) -> None:
        with capture_logs() as events, caplog.at_level(logging.WARNING):
            receiving = asyncio.create_task(run_receiver_task(broker, run_startup=False))
            await asyncio.sleep(SOCKET_TIMEOUT * 3)
            receiving.cancel()
            await asyncio.gather(receiving, return_exceptions=True)

        problems = _problems(events, caplog.records)
        assert [p for p in problems if "cancelled" not in p] == []

    async def test_a_message_pushed_while_idle_is_received(self, broker: QuietListQueueBroker) -> None:
        async def push_later() -> None:
            await asyncio.sleep(SOCKET_TIMEOUT * 1.5)
            async with Redis.from_url(REDIS_URL) as redis:
                await redis.lpush(broker.queue_name, b"hello")

        pushing = asyncio.create_task(push_later())
        received = await _receive(broker, SOCKET_TIMEOUT * 2.5)
        await pushing

        assert received == [b"hello"]


class TestFailingReceiver:
    async def test_a_failure_is_logged_once_and_its_recovery_with_the_count(
        self, broker: QuietListQueueBroker
    ) -> None:
        async with Redis.from_url(REDIS_URL) as redis:
            await redis.set(broker.queue_name, "not a list")  # BRPOP now fails with WRONGTYPE

            async def repair_later() -> None:
                await asyncio.sleep(1.0)
                await redis.delete(broker.queue_name)
                await redis.lpush(broker.queue_name, b"after")

            with capture_logs() as events:
                repairing = asyncio.create_task(repair_later())
                received = await _receive(broker, 2.5)
                await repairing

        failing = [e for e in events if e["event"].startswith("worker queue receiver failing")]
        recovered = [e for e in events if e["event"] == "worker queue receiver recovered"]
        assert received == [b"after"]
        assert len(failing) == 1
        assert failing[0]["error_type"] == "ResponseError"
        assert "exc_info" not in failing[0]
        assert len(recovered) == 1
        assert recovered[0]["failed_reads"] >= 3
