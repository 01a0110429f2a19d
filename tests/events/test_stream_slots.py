"""A stream's slot among the user's MAX_STREAMS_PER_USER: renewed while open, given back when it ends."""

from __future__ import annotations

import asyncio

from clipper.events.hub import EventHub
from clipper.events.service import MAX_STREAMS_PER_USER, STREAM_LEASE_SECONDS, StreamSlot, stream
from clipper.kv import MemoryStore
from tests.fixtures.kv import FakeClock


async def never_disconnected() -> bool:
    return False


async def fill_the_others(kv: MemoryStore, key: str) -> None:
    for index in range(MAX_STREAMS_PER_USER - 1):
        assert await kv.acquire_slot(key, f"other-{index}", limit=MAX_STREAMS_PER_USER, lease_seconds=10**6)


class TestStreamSlot:
    async def test_an_open_stream_keeps_its_slot_past_its_first_lease(self, fake_clock: FakeClock) -> None:
        kv, hub = MemoryStore(clock=fake_clock), EventHub()
        slot = StreamSlot(kv, user_id=7)
        assert await slot.acquire()
        await fill_the_others(kv, slot.key)
        messages = stream(
            hub, user_id=7, is_disconnected=never_disconnected, slot=slot, keepalive_seconds=0.05
        )
        assert await anext(messages) == ": connected\n\n"
        for _ in range(5):
            await fake_clock.advance(STREAM_LEASE_SECONDS / 2)
            assert await anext(messages) == ": keep-alive\n\n"
        late = await kv.acquire_slot(slot.key, "late", limit=MAX_STREAMS_PER_USER, lease_seconds=60)
        await messages.aclose()
        assert not late
        assert await kv.acquire_slot(slot.key, "after", limit=MAX_STREAMS_PER_USER, lease_seconds=60)

    async def test_a_stream_whose_lease_was_taken_closes(self, fake_clock: FakeClock) -> None:
        kv, hub = MemoryStore(clock=fake_clock), EventHub()
        slot = StreamSlot(kv, user_id=7)
        assert await slot.acquire()
        await fill_the_others(kv, slot.key)
        messages = stream(
            hub, user_id=7, is_disconnected=never_disconnected, slot=slot, keepalive_seconds=0.05
        )
        assert await anext(messages) == ": connected\n\n"
        # The process stalled past its lease, and another stream took the slot meanwhile.
        await fake_clock.advance(STREAM_LEASE_SECONDS + 1)
        assert await kv.acquire_slot(slot.key, "newcomer", limit=MAX_STREAMS_PER_USER, lease_seconds=10**6)
        await asyncio.sleep(0.06)

        async def rest() -> list[str]:
            return [message async for message in messages]

        assert await asyncio.wait_for(rest(), timeout=5) in ([], [": keep-alive\n\n"])
