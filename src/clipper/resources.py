"""The process's shared resources, built and closed in one place for the API and `clipper worker` alike.

`open_resources(settings)` opens the database engine and its session factory, the pooled HTTP client
for Graph calls, the Graph client on it, the key-value store and the event hub, and closes them in
reverse order. The API's lifespan keeps them as `app.state.resources` (`AppState`); a worker process
holds them itself; jobs (`JobContext`) and the publishing engine take them as one typed `Resources`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from fastapi import FastAPI

    from clipper.worker import Worker


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
        # Every connection the engine opens stays pooled: with more calls in flight than idle
        # connections kept, each burst would close some and open new ones (a TCP, often TLS, handshake).
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
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
        kv = create_store(settings.redis_url or None, prefix=settings.redis_key_prefix)
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


class AppState(State):
    """`app.state`, typed: what `create_app` was given, and the resources its lifespan builds.

    No name is forwarded: a router reads `get_resources(request)`, and a test swaps a resource on
    `app.state.resources` (`session_factory`, `graph`, `settings`…), where jobs and the engine see it.
    """

    settings: Settings  # create_app's: the lifespan builds the resources with them
    cipher: TokenCipher
    graph_transport: httpx.AsyncBaseTransport | None  # replaces the network under Graph calls (tests)
    sandbox_app: FastAPI | None  # mounted in sandbox mode; its lifespan runs inside the app's
    worker: Worker  # the lifespan's

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

    @property
    def started(self) -> bool:
        """Whether the lifespan has built the resources."""
        return isinstance(self._state.get("resources"), Resources)


def app_state(app: Starlette) -> AppState:
    """The app's state, typed (`create_app` makes it an `AppState`)."""
    state = app.state
    if not isinstance(state, AppState):
        raise TypeError("the app was not built by clipper.main.create_app")
    return state
