"""The process's shared resources, built and closed in one place for the API and `clipper worker` alike.

`open_resources(settings)` opens the database engine and its session factory, the pooled HTTP client
for Graph calls, the Graph client on it, the key-value store and the event hub, and closes them in
reverse order. The API's lifespan keeps them on `app.state` (`AppState`); a worker process holds them
itself; jobs (`JobContext`) and the publishing engine take them as one typed `Resources`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, fields
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.datastructures import State

from clipper import __version__
from clipper.config import Settings
from clipper.db import create_engine, create_session_factory
from clipper.events.hub import EventHub, create_hub
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.instagram_login import InstagramLoginApp
from clipper.kv import KeyValueStore, create_store
from clipper.observability import record_graph_call
from clipper.security import TokenCipher


@dataclass
class Resources:
    """What the API's requests, the worker's jobs and the engine share in one process.

    Mutable on purpose: a test swaps one (`session_factory`, `graph`) for everything that reads it.
    """

    settings: Settings
    cipher: TokenCipher
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    http_client: httpx.AsyncClient
    graph: InstagramGraphAPI
    kv: KeyValueStore
    events: EventHub


def graph_http_client(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """The pooled HTTP client under every Graph call; `transport` replaces the network (tests)."""
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.graph_timeout_seconds, connect=10.0),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        headers={"User-Agent": f"content-clipper/{__version__}"},
    )


def graph_client(settings: Settings, http_client: httpx.AsyncClient) -> InstagramGraphAPI:
    """The Graph API client for these settings (Meta or the sandbox), on the shared HTTP client."""
    graph = InstagramGraphAPI(
        base_url=settings.graph_url,
        api_version=settings.graph_api_version,
        rupload_url=settings.rupload_url,
        app_id=settings.app_id,
        app_secret=settings.app_secret,
        http_client=http_client,
        max_retries=settings.graph_max_retries,
        usage_threshold=settings.graph_usage_threshold_percent,
        on_call=record_graph_call,
    )
    graph.instagram_app = InstagramLoginApp(
        settings.instagram_app_id,
        settings.instagram_app_secret,
        graph_url=settings.instagram_graph_url,
        token_url=settings.instagram_login_token_url,
    )
    return graph


@asynccontextmanager
async def open_resources(
    settings: Settings,
    *,
    cipher: TokenCipher | None = None,
    graph_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[Resources]:
    """Build the resources for `settings`; close them, last opened first, when the block ends."""
    engine = create_engine(settings.database_url)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(engine.dispose)
        http_client = await stack.enter_async_context(graph_http_client(settings, graph_transport))
        kv = create_store(settings.redis_url or None)
        stack.push_async_callback(kv.close)
        events = await stack.enter_async_context(create_hub(settings))
        yield Resources(
            settings=settings,
            cipher=cipher or TokenCipher.from_settings(settings),
            engine=engine,
            session_factory=create_session_factory(engine),
            http_client=http_client,
            graph=graph_client(settings, http_client),
            kv=kv,
            events=events,
        )


_FIELDS = frozenset(field.name for field in fields(Resources))


class AppState(State):
    """`app.state`: the lifespan's `resources`, and each of their fields by name, read and written
    through, so a router reading `app.state.graph` and a test swapping `app.state.session_factory` see
    what jobs and the engine see. Before the lifespan (and for other names) it is a plain `State`."""

    @property
    def resources(self) -> Resources:
        """The resources the app's lifespan built (kept after it ends, closed)."""
        found = self._state.get("resources")
        if not isinstance(found, Resources):
            raise RuntimeError("the app's resources are built when its lifespan starts")
        return found

    @resources.setter
    def resources(self, resources: Resources) -> None:
        self._state["resources"] = resources

    def __getattr__(self, key: str) -> Any:
        found = self._state.get("resources")
        if found is not None and key in _FIELDS:
            return getattr(found, key)
        return super().__getattr__(key)

    def __setattr__(self, key: str, value: Any) -> None:
        found = self._state.get("resources")
        if found is not None and key in _FIELDS:
            setattr(found, key, value)
            return
        super().__setattr__(key, value)


def app_state(app: Starlette) -> AppState:
    """The app's state, typed (`create_app` makes it an `AppState`)."""
    state = app.state
    if not isinstance(state, AppState):
        raise TypeError("the app was not built by clipper.main.create_app")
    return state
