"""A tiny async key-value store with expiry: OAuth state, caches and rate limits.

`MemoryStore` serves the embedded default (one process); `RedisStore` the scaled-out shape, where every
API and worker process must see the same keys. Every key has a TTL, so neither store grows without bound.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from clipper.errors import ServiceUnavailable

Clock = Callable[[], float]


class KeyValueStore(Protocol):
    """String keys to string values, each with a time to live in seconds."""

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store the value, replacing any previous one and its TTL."""

    async def get(self, key: str) -> str | None:
        """Return the value, or None if it is missing or expired."""

    async def getdel(self, key: str) -> str | None:
        """Return the value and delete it in one atomic step (at most one caller gets it)."""

    async def delete(self, key: str) -> bool:
        """Delete the key; tell whether it existed."""

    async def incr(self, key: str, ttl_seconds: int) -> int:
        """Add one atomically and return the new count; the first increment starts the TTL."""

    async def ttl(self, key: str) -> float | None:
        """Return the seconds left before the key expires, or None if it does not exist."""

    async def acquire_slot(self, key: str, holder: str, *, limit: int, lease_seconds: int) -> bool:
        """Take (or renew) `holder`'s slot among at most `limit` at `key`, leased for `lease_seconds`.

        Atomic: concurrent callers in any process never hold more than `limit` slots. A slot whose lease
        ran out (its holder died without releasing it) is free again. Renewing an unexpired slot always
        succeeds; False means every slot is taken.
        """

    async def release_slot(self, key: str, holder: str) -> None:
        """Give `holder`'s slot at `key` back at once."""

    async def close(self) -> None:
        """Release connections; the store is unusable afterwards."""


def _check_ttl(ttl_seconds: int) -> None:
    if ttl_seconds < 1:
        raise ValueError(f"ttl_seconds must be at least 1, got {ttl_seconds}")


class MemoryStore:
    """The in-process store: expiry checked on every read, expired keys purged periodically."""

    def __init__(self, *, clock: Clock = time.monotonic, purge_interval_seconds: float = 60.0) -> None:
        self._clock = clock
        self._purge_interval = purge_interval_seconds
        self._next_purge = clock() + purge_interval_seconds
        self._items: dict[str, tuple[str, float]] = {}
        self._slots: dict[str, dict[str, float]] = {}
        # Operations never await while holding it, so it is also safe across threads and loops
        # (a TestClient runs the app on its own thread).
        self._lock = threading.Lock()

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store the value, replacing any previous one and its TTL."""
        _check_ttl(ttl_seconds)
        with self._lock:
            now = self._tick()
            self._items[key] = (value, now + ttl_seconds)

    async def get(self, key: str) -> str | None:
        """Return the value, or None if it is missing or expired."""
        with self._lock:
            item = self._live(key, self._tick())
            return item[0] if item else None

    async def getdel(self, key: str) -> str | None:
        """Return the value and delete it in one atomic step."""
        with self._lock:
            item = self._live(key, self._tick())
            if item is None:
                return None
            del self._items[key]
            return item[0]

    async def delete(self, key: str) -> bool:
        """Delete the key; tell whether it existed."""
        with self._lock:
            existed = self._live(key, self._tick()) is not None
            self._items.pop(key, None)
            return existed

    async def incr(self, key: str, ttl_seconds: int) -> int:
        """Add one atomically and return the new count; the first increment starts the TTL."""
        _check_ttl(ttl_seconds)
        with self._lock:
            now = self._tick()
            item = self._live(key, now)
            if item is None:
                self._items[key] = ("1", now + ttl_seconds)
                return 1
            count = _as_int(key, item[0]) + 1
            self._items[key] = (str(count), item[1])
            return count

    async def ttl(self, key: str) -> float | None:
        """Return the seconds left before the key expires, or None if it does not exist."""
        with self._lock:
            now = self._tick()
            item = self._live(key, now)
            return item[1] - now if item else None

    async def acquire_slot(self, key: str, holder: str, *, limit: int, lease_seconds: int) -> bool:
        """Take (or renew) `holder`'s slot among at most `limit` at `key`, leased for `lease_seconds`."""
        _check_ttl(lease_seconds)
        with self._lock:
            now = self._tick()
            slots = self._live_slots(key, now)
            if holder not in slots and len(slots) >= limit:
                return False
            slots[holder] = now + lease_seconds
            self._slots[key] = slots
            return True

    async def release_slot(self, key: str, holder: str) -> None:
        """Give `holder`'s slot at `key` back at once."""
        with self._lock:
            slots = self._slots.get(key)
            if slots is not None:
                slots.pop(holder, None)
                if not slots:
                    del self._slots[key]

    async def close(self) -> None:
        """Drop every key."""
        with self._lock:
            self._items.clear()
            self._slots.clear()

    def purge(self) -> int:
        """Remove every expired key now; return how many went."""
        with self._lock:
            return self._purge(self._clock())

    def __len__(self) -> int:
        return len(self._items) + len(self._slots)

    def _tick(self) -> float:
        now = self._clock()
        if now >= self._next_purge:
            self._purge(now)
        return now

    def _purge(self, now: float) -> int:
        expired = [key for key, (_, expires_at) in self._items.items() if expires_at <= now]
        for key in expired:
            del self._items[key]
        for key in list(self._slots):
            if not self._live_slots(key, now):
                self._slots.pop(key, None)
        self._next_purge = now + self._purge_interval
        return len(expired)

    def _live(self, key: str, now: float) -> tuple[str, float] | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] <= now:
            del self._items[key]
            return None
        return item

    def _live_slots(self, key: str, now: float) -> dict[str, float]:
        return {holder: until for holder, until in self._slots.get(key, {}).items() if until > now}


def _as_int(key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"The value at {key!r} is not a counter") from None


# A sorted set of holder -> lease deadline (ms, on Redis's own clock, so the API processes' clocks need not
# agree). The key itself expires with its last lease, so a user who leaves leaves nothing behind.
_ACQUIRE_SLOT = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local lease_ms = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now_ms + lease_ms, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease_ms then
  redis.call('PEXPIRE', KEYS[1], lease_ms)
end
return 1
"""


class RedisStore:
    """The shared store on Redis: GETDEL and MULTI make each operation atomic across processes."""

    def __init__(self, client: aioredis.Redis, *, prefix: str = "clipper:") -> None:
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "clipper:") -> RedisStore:
        """Connect lazily to the Redis at `url` (the first command opens the connection)."""
        return cls(aioredis.Redis.from_url(url, decode_responses=True), prefix=prefix)

    @property
    def prefix(self) -> str:
        return self._prefix

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        """Store the value, replacing any previous one and its TTL."""
        _check_ttl(ttl_seconds)
        async with _unavailable_on_network_error():
            await self._client.set(self._key(key), value, ex=ttl_seconds)

    async def get(self, key: str) -> str | None:
        """Return the value, or None if it is missing or expired."""
        async with _unavailable_on_network_error():
            return _text(await self._client.get(self._key(key)))

    async def getdel(self, key: str) -> str | None:
        """Return the value and delete it in one atomic step (GETDEL)."""
        async with _unavailable_on_network_error():
            return _text(await self._client.getdel(self._key(key)))

    async def delete(self, key: str) -> bool:
        """Delete the key; tell whether it existed."""
        async with _unavailable_on_network_error():
            return bool(await self._client.delete(self._key(key)))

    async def incr(self, key: str, ttl_seconds: int) -> int:
        """Add one atomically and return the new count; the first increment starts the TTL."""
        _check_ttl(ttl_seconds)
        name = self._key(key)
        async with _unavailable_on_network_error():
            # SET NX creates the counter with its TTL only when absent; MULTI makes the pair atomic,
            # so a counter can never be left without an expiry.
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=ttl_seconds, nx=True)
                pipe.incr(name)
                try:
                    _, count = await pipe.execute()
                except ResponseError:
                    raise ValueError(f"The value at {key!r} is not a counter") from None
        return int(count)

    async def ttl(self, key: str) -> float | None:
        """Return the seconds left before the key expires, or None if it does not exist."""
        async with _unavailable_on_network_error():
            milliseconds = int(await self._client.pttl(self._key(key)))
        if milliseconds == -2:
            return None
        return math.inf if milliseconds == -1 else milliseconds / 1000

    async def acquire_slot(self, key: str, holder: str, *, limit: int, lease_seconds: int) -> bool:
        """Take (or renew) `holder`'s slot among at most `limit` at `key` (one Lua script: atomic)."""
        _check_ttl(lease_seconds)
        async with _unavailable_on_network_error():
            taken = await self._client.eval(
                _ACQUIRE_SLOT, 1, self._key(key), holder, limit, lease_seconds * 1000
            )
        return bool(taken)

    async def release_slot(self, key: str, holder: str) -> None:
        """Give `holder`'s slot at `key` back at once."""
        async with _unavailable_on_network_error():
            await self._client.zrem(self._key(key), holder)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    def _key(self, key: str) -> str:
        return self._prefix + key


def _text(value: str | bytes | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@asynccontextmanager
async def _unavailable_on_network_error() -> AsyncIterator[None]:
    """Turn "Redis could not be reached" into a 503 the API renders."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise ServiceUnavailable("The shared store (Redis) is unreachable: try again in a minute.") from exc


def create_store(redis_url: str | None, *, prefix: str = "clipper:") -> KeyValueStore:
    """Return a RedisStore when a URL is configured, else an in-process MemoryStore."""
    if redis_url:
        return RedisStore.from_url(redis_url, prefix=prefix)
    return MemoryStore()
