"""The event hub: fan-out of per-user events to open SSE streams, in-process or across processes via Redis.

    await hub.publish_event(user_id, "post.status", {"id": 7, "status": "published"})
    async with hub.subscribe(user_id) as subscription:
        event = await subscription.get()              # or: async for event in subscription

The hub is `app.state.resources.events` in the API and `ctx.events` in jobs. With REDIS_URL,
`publish_event` goes through Redis pub/sub so a worker process reaches the browsers connected to any API
process; without it, subscribers in this process get the event directly. Delivery is best effort: a slow
subscriber drops the oldest events rather than holding up the publisher.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from clipper.config import Settings

log = structlog.get_logger(__name__)

QUEUE_SIZE = 256


@dataclass(frozen=True)
class Event:
    """One event for one user: a type such as `post.status` and JSON data."""

    user_id: int
    type: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"user_id": self.user_id, "type": self.type, "data": self.data})

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        raw = json.loads(text)
        return cls(user_id=int(raw["user_id"]), type=str(raw["type"]), data=dict(raw.get("data") or {}))


class Subscription:
    """The events of one open stream, in order; `get()` may be cancelled safely (e.g. by a timeout)."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_SIZE)

    async def get(self) -> Event:
        """Wait for the next event."""
        return await self.queue.get()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            yield await self.queue.get()


class EventHub:
    """In-process fan-out to subscribers; subclasses carry events between processes."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[Subscription]] = defaultdict(set)

    async def publish_event(self, user_id: int, type: str, data: dict[str, Any] | None = None) -> None:
        """Send an event to every open stream of the user."""
        self.deliver(Event(user_id=user_id, type=type, data=data or {}))

    def deliver(self, event: Event) -> None:
        """Hand an event to this process's subscribers of its user."""
        for subscription in list(self._subscribers.get(event.user_id, ())):
            queue = subscription.queue
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    def subscriber_count(self, user_id: int) -> int:
        """How many streams of this user are open in this process."""
        return len(self._subscribers.get(user_id, ()))

    @asynccontextmanager
    async def subscribe(self, user_id: int) -> AsyncIterator[Subscription]:
        """Receive the user's events for as long as the context is open."""
        subscription = Subscription()
        self._subscribers[user_id].add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers[user_id].discard(subscription)
            if not self._subscribers[user_id]:
                del self._subscribers[user_id]

    async def start(self) -> None:
        """Start carrying events between processes (nothing to do in-process)."""

    async def close(self) -> None:
        """Stop carrying events between processes."""


class RedisEventHub(EventHub):
    """Publishes through Redis pub/sub; one listener per process fans the messages out locally."""

    def __init__(self, redis_url: str, *, key_prefix: str = "clipper:") -> None:
        super().__init__()
        self._channel_prefix = f"{key_prefix}events:"
        import redis.asyncio as aioredis

        self._redis = aioredis.Redis.from_url(redis_url)
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def publish_event(self, user_id: int, type: str, data: dict[str, Any] | None = None) -> None:
        """Send an event to every open stream of the user, in any process."""
        event = Event(user_id=user_id, type=type, data=data or {})
        try:
            await self._redis.publish(f"{self._channel_prefix}{user_id}", event.to_json())
        except Exception as exc:  # best effort: a live update must never fail the work that caused it
            log.warning("event not published", event_type=type, error_type=type_name(exc))

    async def start(self) -> None:
        """Subscribe to every user's channel and fan out what arrives."""
        self._listener = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def _listen(self) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.psubscribe(f"{self._channel_prefix}*")
        try:
            # Ready once Redis confirmed the subscription: an event published after `start()` arrives.
            while (await pubsub.get_message(timeout=1.0) or {}).get("type") != "psubscribe":
                pass
            self._ready.set()
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None and message.get("type") == "pmessage":
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        self.deliver(Event.from_json(message["data"]))
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        """Stop listening and close the connection."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        await self._redis.aclose()


def type_name(exc: BaseException) -> str:
    return type(exc).__name__


@asynccontextmanager
async def create_hub(settings: Settings) -> AsyncIterator[EventHub]:
    """The hub for these settings (Redis pub/sub when REDIS_URL is set), started and closed around use."""
    hub = (
        RedisEventHub(settings.redis_url, key_prefix=settings.redis_key_prefix)
        if settings.redis_url
        else EventHub()
    )
    await hub.start()
    try:
        yield hub
    finally:
        await hub.close()
