"""The key-value stores: the same behaviour from MemoryStore and (with TEST_REDIS_URL) RedisStore."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from clipper.errors import ServiceUnavailable
from clipper.kv import KeyValueStore, MemoryStore, RedisStore, create_store
from tests.fixtures.kv import KV_STORES, Advance, FakeClock


class TestKeyValueStore:
    async def test_get_returns_what_was_set(self, kv_store: KeyValueStore) -> None:
        await kv_store.set("greeting", "héllo", 60)
        assert await kv_store.get("greeting") == "héllo"

    async def test_get_of_a_missing_key_is_none(self, kv_store: KeyValueStore) -> None:
        assert await kv_store.get("missing") is None

    async def test_set_replaces_the_value_and_its_ttl(self, kv_store: KeyValueStore) -> None:
        await kv_store.set("key", "old", 10)
        await kv_store.set("key", "new", 100)
        assert await kv_store.get("key") == "new"
        remaining = await kv_store.ttl("key")
        assert remaining is not None
        assert 10 < remaining <= 100

    async def test_getdel_hands_the_value_out_once(self, kv_store: KeyValueStore) -> None:
        await kv_store.set("once", "value", 60)
        assert await kv_store.getdel("once") == "value"
        assert await kv_store.getdel("once") is None
        assert await kv_store.get("once") is None

    async def test_delete_tells_whether_the_key_existed(self, kv_store: KeyValueStore) -> None:
        await kv_store.set("key", "value", 60)
        assert await kv_store.delete("key") is True
        assert await kv_store.delete("key") is False
        assert await kv_store.get("key") is None

    async def test_incr_counts_from_one(self, kv_store: KeyValueStore) -> None:
        assert [await kv_store.incr("hits", 60) for _ in range(3)] == [1, 2, 3]
        assert await kv_store.get("hits") == "3"

    async def test_incr_starts_the_ttl_on_the_first_increment(self, kv_store: KeyValueStore) -> None:
        await kv_store.incr("hits", 30)
        remaining = await kv_store.ttl("hits")
        assert remaining is not None
        assert 0 < remaining <= 30

    async def test_incr_of_a_value_that_is_not_a_number_is_refused(self, kv_store: KeyValueStore) -> None:
        await kv_store.set("text", "abc", 60)
        with pytest.raises(ValueError, match="not a counter"):
            await kv_store.incr("text", 60)

    async def test_ttl_of_a_missing_key_is_none(self, kv_store: KeyValueStore) -> None:
        assert await kv_store.ttl("missing") is None

    async def test_keys_expire_after_their_ttl(self, kv_store: KeyValueStore, advance: Advance) -> None:
        await kv_store.set("short", "value", 1)
        await kv_store.set("long", "value", 60)
        await kv_store.incr("window", 1)
        await advance(1.1)
        assert await kv_store.get("short") is None
        assert await kv_store.getdel("short") is None
        assert await kv_store.ttl("short") is None
        assert await kv_store.get("long") == "value"
        assert await kv_store.incr("window", 1) == 1

    async def test_a_ttl_below_one_second_is_refused(self, kv_store: KeyValueStore) -> None:
        with pytest.raises(ValueError, match="ttl_seconds"):
            await kv_store.set("key", "value", 0)
        with pytest.raises(ValueError, match="ttl_seconds"):
            await kv_store.incr("key", 0)

    async def test_concurrent_getdel_gives_the_value_to_exactly_one_caller(
        self, kv_store: KeyValueStore
    ) -> None:
        await kv_store.set("prize", "value", 60)
        results = await asyncio.gather(*(kv_store.getdel("prize") for _ in range(20)))
        assert [result for result in results if result is not None] == ["value"]

    async def test_concurrent_incr_never_loses_a_count(self, kv_store: KeyValueStore) -> None:
        results = await asyncio.gather(*(kv_store.incr("hits", 60) for _ in range(50)))
        assert sorted(results) == list(range(1, 51))


@pytest.fixture(params=KV_STORES)
async def two_processes(
    request: pytest.FixtureRequest, fake_clock: FakeClock
) -> AsyncIterator[tuple[KeyValueStore, KeyValueStore]]:
    """The store as two API processes see it: one MemoryStore, or two RedisStores on one Redis."""
    if request.param == "memory":
        store = MemoryStore(clock=fake_clock)
        yield store, store
        return
    url, prefix = os.environ["TEST_REDIS_URL"], f"test:kv:{uuid.uuid4().hex}:"
    first, second = RedisStore.from_url(url, prefix=prefix), RedisStore.from_url(url, prefix=prefix)
    try:
        yield first, second
    finally:
        client = aioredis.Redis.from_url(url, decode_responses=True)
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()
        await first.close()
        await second.close()


@pytest.fixture
def lease_passes(two_processes: tuple[KeyValueStore, KeyValueStore], fake_clock: FakeClock) -> Advance:
    return fake_clock.advance if isinstance(two_processes[0], MemoryStore) else asyncio.sleep


class TestLeasedSlots:
    async def test_two_processes_together_never_exceed_the_limit(
        self, two_processes: tuple[KeyValueStore, KeyValueStore]
    ) -> None:
        one, two = two_processes
        taken = await asyncio.gather(
            *(
                store.acquire_slot("streams:7", f"holder-{index}-{number}", limit=8, lease_seconds=60)
                for index in range(20)
                for number, store in enumerate((one, two))
            )
        )
        assert taken.count(True) == 8
        assert not await one.acquire_slot("streams:7", "late", limit=8, lease_seconds=60)
        assert not await two.acquire_slot("streams:7", "late", limit=8, lease_seconds=60)

    async def test_the_limit_is_per_key(self, two_processes: tuple[KeyValueStore, KeyValueStore]) -> None:
        one, two = two_processes
        assert await one.acquire_slot("streams:1", "a", limit=1, lease_seconds=60)
        assert await two.acquire_slot("streams:2", "b", limit=1, lease_seconds=60)
        assert not await two.acquire_slot("streams:1", "c", limit=1, lease_seconds=60)

    async def test_a_release_frees_the_slot_at_once(
        self, two_processes: tuple[KeyValueStore, KeyValueStore]
    ) -> None:
        one, two = two_processes
        assert await one.acquire_slot("streams:7", "a", limit=1, lease_seconds=60)
        assert not await two.acquire_slot("streams:7", "b", limit=1, lease_seconds=60)
        await one.release_slot("streams:7", "a")
        assert await two.acquire_slot("streams:7", "b", limit=1, lease_seconds=60)

    async def test_a_slot_its_holder_never_released_frees_when_its_lease_ends(
        self, two_processes: tuple[KeyValueStore, KeyValueStore], lease_passes: Advance
    ) -> None:
        crashed, alive = two_processes
        assert await crashed.acquire_slot("streams:7", "dead", limit=1, lease_seconds=1)
        assert not await alive.acquire_slot("streams:7", "b", limit=1, lease_seconds=1)
        await lease_passes(1.2)
        assert await alive.acquire_slot("streams:7", "b", limit=1, lease_seconds=1)

    async def test_renewing_keeps_the_slot_past_its_first_lease(
        self, two_processes: tuple[KeyValueStore, KeyValueStore], lease_passes: Advance
    ) -> None:
        one, two = two_processes
        assert await one.acquire_slot("streams:7", "a", limit=1, lease_seconds=2)
        for _ in range(3):
            await lease_passes(0.8)
            assert await one.acquire_slot("streams:7", "a", limit=1, lease_seconds=2)
        assert not await two.acquire_slot("streams:7", "b", limit=1, lease_seconds=2)

    async def test_releasing_a_slot_one_does_not_hold_is_harmless(
        self, two_processes: tuple[KeyValueStore, KeyValueStore]
    ) -> None:
        one, _ = two_processes
        await one.release_slot("streams:7", "nobody")
        assert await one.acquire_slot("streams:7", "a", limit=1, lease_seconds=60)


class TestMemoryStore:
    async def test_increments_do_not_extend_the_window(self) -> None:
        clock = FakeClock()
        store = MemoryStore(clock=clock)
        await store.incr("hits", 10)
        await clock.advance(6)
        await store.incr("hits", 10)
        await clock.advance(5)
        assert await store.incr("hits", 10) == 1

    async def test_expired_slots_are_purged_without_being_read(self) -> None:
        clock = FakeClock()
        store = MemoryStore(clock=clock, purge_interval_seconds=60)
        for index in range(5):
            await store.acquire_slot(f"streams:{index}", "a", limit=1, lease_seconds=1)
        await clock.advance(61)
        await store.set("fresh", "value", 60)
        assert len(store) == 1

    async def test_expired_keys_are_purged_without_being_read(self) -> None:
        clock = FakeClock()
        store = MemoryStore(clock=clock, purge_interval_seconds=60)
        for index in range(5):
            await store.set(f"key-{index}", "value", 1)
        await clock.advance(61)
        await store.set("fresh", "value", 60)
        assert len(store) == 1

    async def test_purge_removes_only_expired_keys(self) -> None:
        clock = FakeClock()
        store = MemoryStore(clock=clock)
        await store.set("old", "value", 1)
        await store.set("young", "value", 60)
        await clock.advance(2)
        assert store.purge() == 1
        assert await store.get("young") == "value"

    async def test_is_safe_to_share_between_threads(self) -> None:
        store = MemoryStore()

        def hammer() -> None:
            for _ in range(200):
                asyncio.run(store.incr("hits", 60))

        await asyncio.gather(*(asyncio.to_thread(hammer) for _ in range(4)))
        assert await store.get("hits") == "800"


class TestRedisStore:
    async def test_an_unreachable_redis_is_a_service_unavailable_error(self) -> None:
        store = RedisStore.from_url("redis://:hunter2-secret@127.0.0.1:1/0")
        try:
            with pytest.raises(ServiceUnavailable) as caught:
                await store.get("key")
        finally:
            await store.close()
        assert "hunter2" not in str(caught.value)

    async def test_keys_are_namespaced_by_the_prefix(self) -> None:
        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            pytest.skip("TEST_REDIS_URL is not set")
        prefix = f"test:kv:{uuid.uuid4().hex}:"
        store = RedisStore.from_url(url, prefix=prefix)
        client = aioredis.Redis.from_url(url, decode_responses=True)
        try:
            await store.set("key", "value", 60)
            assert await client.get(prefix + "key") == "value"
        finally:
            await client.delete(prefix + "key")
            await client.aclose()
            await store.close()


class TestCreateStore:
    async def test_without_a_url_it_is_in_memory(self) -> None:
        store = create_store(None)
        assert isinstance(store, MemoryStore)
        await store.close()

    async def test_with_a_url_it_is_redis(self) -> None:
        store = create_store("redis://127.0.0.1:6379/15", prefix="test:")
        assert isinstance(store, RedisStore)
        assert store.prefix == "test:"
        await store.close()
