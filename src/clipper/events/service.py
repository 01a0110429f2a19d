"""Render a user's events as a server-sent-event stream, with keep-alive comments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from clipper.events.hub import Event, EventHub

KEEPALIVE_SECONDS = 15.0


def format_sse(event: Event) -> str:
    """One SSE message: `event:` the type, `data:` the JSON payload."""
    return f"event: {event.type}\ndata: {event.to_json()}\n\n"


async def stream(
    hub: EventHub,
    *,
    user_id: int,
    is_disconnected: Callable[[], Awaitable[bool]],
    keepalive_seconds: float = KEEPALIVE_SECONDS,
) -> AsyncIterator[str]:
    """Yield the user's events as SSE text until the client disconnects."""
    async with hub.subscribe(user_id) as subscription:
        yield ": connected\n\n"
        while not await is_disconnected():
            try:
                event = await asyncio.wait_for(subscription.get(), timeout=keepalive_seconds)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield format_sse(event)
