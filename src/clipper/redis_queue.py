"""The worker's Redis list queue: quiet while idle, one log line when the receiver fails and one when it
recovers (with the number of failed reads), never a traceback per read.

taskiq-redis's `ListQueueBroker.listen` blocks in `BRPOP` without a server-side timeout, so on an idle
queue the client's own socket timeout (redis-py: 5 s) fires first: a `TimeoutError` that taskiq logs
with a full traceback before listening again, every five seconds in every idle worker. Here `BRPOP`
gets a server-side timeout shorter than the socket's, so an idle queue simply answers "nothing" and the
read starts over. A real failure (Redis down, a wrong key type, a network error) is retried with a
capped back-off; it is logged when it starts and when the queue works again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq_redis import ListQueueBroker

log = structlog.get_logger(__name__)

IDLE_READ_SECONDS = 2.0
RETRY_BASE_SECONDS = 0.5
RETRY_CAP_SECONDS = 30.0


class QuietListQueueBroker(ListQueueBroker):
    """`ListQueueBroker` whose receiver stays quiet on an idle queue and logs failures once."""

    def __init__(self, url: str, *, retry_base_seconds: float = RETRY_BASE_SECONDS, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.retry_base_seconds = retry_base_seconds
        self.failed_reads = 0

    def _idle_read_seconds(self) -> float:
        socket_timeout = self.connection_pool.connection_kwargs.get("socket_timeout")
        if not socket_timeout:
            return IDLE_READ_SECONDS
        return min(IDLE_READ_SECONDS, float(socket_timeout) / 2)

    async def listen(self) -> AsyncGenerator[bytes, None]:
        """Yield each message of the queue, reading it again after an idle timeout or a failure."""
        idle = self._idle_read_seconds()
        while True:
            try:
                async with Redis(connection_pool=self.connection_pool) as redis:
                    popped = await redis.brpop([self.queue_name], timeout=idle)
            except (RedisError, OSError) as error:
                await self._failed(error)
                continue
            self._recovered()
            if popped is not None:
                message = popped[1]
                yield message.encode() if isinstance(message, str) else message

    async def _failed(self, error: BaseException) -> None:
        self.failed_reads += 1
        if self.failed_reads == 1:
            log.warning(
                "worker queue receiver failing; retrying quietly until it works again",
                queue=self.queue_name,
                error_type=type(error).__name__,
                error=str(error),
            )
        delay = self.retry_base_seconds * 2 ** min(self.failed_reads - 1, 10)
        await asyncio.sleep(min(RETRY_CAP_SECONDS, delay))

    def _recovered(self) -> None:
        if self.failed_reads:
            log.warning(
                "worker queue receiver recovered", queue=self.queue_name, failed_reads=self.failed_reads
            )
            self.failed_reads = 0
