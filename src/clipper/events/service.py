"""Render a user's events as a server-sent-event stream, with keep-alive comments."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog

from clipper.db import utcnow
from clipper.errors import ServiceUnavailable
from clipper.events.hub import Event, EventHub
from clipper.kv import KeyValueStore

log = structlog.get_logger(__name__)

KEEPALIVE_SECONDS = 15.0
# Published when sessions or API tokens end (logout, revoke, password change); never sent to a browser
# whose credential is still valid, and the stream of one that ended closes.
AUTH_ENDED = "auth.ended"
_ENDED = f"event: {AUTH_ENDED}\ndata: {{}}\n\n"
# Open streams one user may hold across every API process (each holds a connection and a queue). Each
# stream leases a slot in the shared store and renews it at every keep-alive; a slot whose process died
# without releasing it frees when its lease ends.
MAX_STREAMS_PER_USER = 8
STREAM_LEASE_SECONDS = 60


def format_sse(event: Event) -> str:
    """One SSE message: `event:` the type, `data:` the JSON payload."""
    return f"event: {event.type}\ndata: {event.to_json()}\n\n"


@dataclass(frozen=True)
class Credential:
    """What opened a stream: a login session or a personal API token (the stream ends with it).

    `expires_at` is when it expires as of the stream's opening (a session slides forward when used
    elsewhere): the stream closes then without `auth.ended`, so the browser reconnects, which succeeds
    only if the credential is still valid.
    """

    session_id: int | None = None
    api_token_id: int | None = None
    expires_at: datetime | None = None

    def seconds_left(self) -> float | None:
        """Seconds until the credential expires (0 once it has); None when it does not expire."""
        if self.expires_at is None:
            return None
        return max(0.0, (self.expires_at - utcnow()).total_seconds())

    def ended_by(self, data: dict[str, Any]) -> bool:
        """Does an `auth.ended` event's data end this credential?"""
        if self.session_id is not None and self.session_id in data.get("session_ids", ()):
            return True
        if self.api_token_id is not None and self.api_token_id in data.get("api_token_ids", ()):
            return True
        kept = data.get("all_except")
        if not isinstance(kept, dict):
            return False
        if self.session_id is not None:
            return bool(kept.get("session_id") != self.session_id)
        return self.api_token_id is not None and kept.get("api_token_id") != self.api_token_id


@dataclass
class StreamSlot:
    """One of the user's MAX_STREAMS_PER_USER stream slots, leased in the shared key-value store."""

    kv: KeyValueStore
    user_id: int
    holder: str = field(default_factory=lambda: uuid.uuid4().hex)
    renewed_at: float = 0.0

    @property
    def key(self) -> str:
        return f"events:streams:{self.user_id}"

    async def acquire(self) -> bool:
        """Take the slot (or renew it); False when the user's streams already fill every slot."""
        taken = await self.kv.acquire_slot(
            self.key, self.holder, limit=MAX_STREAMS_PER_USER, lease_seconds=STREAM_LEASE_SECONDS
        )
        self.renewed_at = time.monotonic()
        return taken

    async def renew(self, every_seconds: float) -> bool:
        """Renew the lease if `every_seconds` passed since the last; False if it was lost and is taken."""
        if time.monotonic() - self.renewed_at < every_seconds:
            return True
        try:
            return await self.acquire()
        except ServiceUnavailable:
            # The store is down: no stream can take the slot meanwhile, so this one stays open.
            log.warning("stream slot not renewed", user_id=self.user_id)
            return True

    async def release(self) -> None:
        """Free the slot at once (its lease would free it anyway)."""
        with contextlib.suppress(ServiceUnavailable):
            await self.kv.release_slot(self.key, self.holder)


async def end_credentials(hub: EventHub, user_id: int, **data: Any) -> None:
    """Tell the user's open streams that credentials ended (`session_ids`, `api_token_ids`, `all_except`)."""
    await hub.publish_event(user_id, AUTH_ENDED, data)


async def stream(
    hub: EventHub,
    *,
    user_id: int,
    is_disconnected: Callable[[], Awaitable[bool]],
    credential: Credential | None = None,
    slot: StreamSlot | None = None,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
) -> AsyncIterator[str]:
    """Yield the user's events as SSE text until the client disconnects or its credential ends or expires.

    `slot`, already acquired, is renewed while the stream is open and released when it closes; a stream
    whose lease was lost to another stream closes (the browser reconnects if a slot is free).
    """
    try:
        async with hub.subscribe(user_id) as subscription:
            yield ": connected\n\n"
            while not await is_disconnected():
                left = credential.seconds_left() if credential is not None else None
                if left == 0:
                    return
                if slot is not None and not await slot.renew(keepalive_seconds):
                    return
                try:
                    wait = keepalive_seconds if left is None else min(keepalive_seconds, left)
                    event = await asyncio.wait_for(subscription.get(), timeout=wait)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if event.type == AUTH_ENDED:
                    if credential is not None and credential.ended_by(event.data):
                        yield _ENDED
                        return
                    continue
                yield format_sse(event)
    finally:
        if slot is not None:
            # Shielded: the stream usually ends by cancellation (the client left), which must not skip it.
            await asyncio.shield(slot.release())
