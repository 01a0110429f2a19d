"""Render a user's events as a server-sent-event stream, with keep-alive comments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from clipper.db import utcnow
from clipper.events.hub import Event, EventHub

KEEPALIVE_SECONDS = 15.0
# Published when sessions or API tokens end (logout, revoke, password change); never sent to a browser
# whose credential is still valid, and the stream of one that ended closes.
AUTH_ENDED = "auth.ended"
_ENDED = f"event: {AUTH_ENDED}\ndata: {{}}\n\n"
# Open streams one user may hold in one process (each holds a connection and a queue).
MAX_STREAMS_PER_USER = 8


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


async def end_credentials(hub: EventHub, user_id: int, **data: Any) -> None:
    """Tell the user's open streams that credentials ended (`session_ids`, `api_token_ids`, `all_except`)."""
    await hub.publish_event(user_id, AUTH_ENDED, data)


async def stream(
    hub: EventHub,
    *,
    user_id: int,
    is_disconnected: Callable[[], Awaitable[bool]],
    credential: Credential | None = None,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
) -> AsyncIterator[str]:
    """Yield the user's events as SSE text until the client disconnects or its credential ends or expires."""
    async with hub.subscribe(user_id) as subscription:
        yield ": connected\n\n"
        while not await is_disconnected():
            left = credential.seconds_left() if credential is not None else None
            if left == 0:
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
