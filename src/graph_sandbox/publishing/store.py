"""Publishing's own state, kept in `world.extra["publishing"]` so a world reset clears it too.

Holds the known location Pages (for `location_id`), the log of everything published through
`media_publish` (quota window and `GET /_admin/published`), and the background processing tasks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from graph_sandbox.world import Container, World

WINDOW = timedelta(hours=24)

# Pages with location data that `location_id` may name (the world's Pages have none).
KNOWN_LOCATIONS: dict[str, dict[str, Any]] = {
    "106078429431815": {"name": "London, United Kingdom", "latitude": 51.5072, "longitude": -0.1275},
    "110774245616525": {"name": "Paris, France", "latitude": 48.8566, "longitude": 2.3522},
}


@dataclass
class PublishedRecord:
    """One successful `media_publish`."""

    ig_user_id: str
    media_id: str
    container_id: str
    published_at: datetime
    media_type: str | None
    params: dict[str, str]
    children: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, *, timestamp: str, permalink: str) -> dict[str, Any]:
        """The record as `GET /_admin/published` lists it."""
        return {
            "media_id": self.media_id,
            "container_id": self.container_id,
            "media_type": self.media_type,
            "published_at": timestamp,
            "permalink": permalink,
            "params": self.params,
            "children": self.children,
        }


@dataclass
class PublishingState:
    """Per-world publishing state."""

    locations: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(KNOWN_LOCATIONS))
    published: list[PublishedRecord] = field(default_factory=list)


def state_of(world: World) -> PublishingState:
    """The publishing state of a world (created on first use)."""
    state = world.extra.get("publishing")
    if not isinstance(state, PublishingState):
        state = PublishingState()
        world.extra["publishing"] = state
    return state


def publishes_in_window(world: World, ig_user_id: str, *, since: datetime, now: datetime) -> int:
    """How many posts the account published through the API in (since, now]."""
    return sum(
        1 for r in state_of(world).published if r.ig_user_id == ig_user_id and since < r.published_at <= now
    )


def containers_in_window(world: World, ig_user_id: str, now: datetime) -> int:
    """How many containers the account created in the rolling 24 h window."""
    since = now - WINDOW
    return sum(
        1 for c in world.containers.values() if c.ig_user_id == ig_user_id and since < c.created_at <= now
    )


def containers_of(world: World, ig_user_id: str | None = None) -> list[Container]:
    """Containers (of one account, or all), newest first."""
    items = [c for c in world.containers.values() if ig_user_id in (None, c.ig_user_id)]
    return sorted(items, key=lambda c: (c.created_at, c.id), reverse=True)


_TASKS: set[asyncio.Task[None]] = set()


def spawn(work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Run background processing, keeping a reference so the task is not collected early."""
    task = asyncio.get_running_loop().create_task(work)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task


async def drain() -> None:
    """Wait for every background processing task (tests and shutdown)."""
    while _TASKS:
        await asyncio.gather(*list(_TASKS), return_exceptions=True)
