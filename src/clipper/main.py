"""The application factory: settings check, lifespan resources, routers, operations endpoints, sandbox."""

from __future__ import annotations

import gc
import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.util import find_spec

import httpx
import structlog
from fastapi import APIRouter, Depends, FastAPI

import clipper
from clipper import __version__, health, openapi, web, worker
from clipper.config import SANDBOX_MOUNT_PATH, Environment, Settings, get_settings
from clipper.errors import register_exception_handlers
from clipper.inputs import refuse_unstorable_text
from clipper.observability import configure_logging
from clipper.request_limits import RequestLimitsMiddleware
from clipper.resources import AppState, app_state, open_resources
from clipper.security import TokenCipher
from clipper.security.headers import SecurityHeadersMiddleware
from clipper.settings_checks import check_production

API_PREFIX = "/api/v1"
log = structlog.get_logger(__name__)


def create_app(
    settings: Settings | None = None, *, graph_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """Build the API; `graph_transport` replaces the network under the shared Graph client (tests)."""
    settings = settings or get_settings()
    check_production(settings)
    cipher = TokenCipher.from_settings(settings)
    # Under the test runner, logging belongs to pytest (its capture swaps the streams per test).
    if settings.environment is not Environment.TEST:
        configure_logging(settings.log_level, json=settings.log_json)
    app = FastAPI(
        title="Content Clipper",
        version=__version__,
        description="Instagram publishing, inbox and analytics over the Instagram Graph API.",
        lifespan=_lifespan,
    )
    app.state = AppState()
    app.state.settings = settings
    app.state.cipher = cipher
    app.state.graph_transport = graph_transport
    app.state.sandbox_app = None
    register_exception_handlers(app)
    app.add_middleware(RequestLimitsMiddleware, settings=settings, api_prefix=API_PREFIX)
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(health.router)
    for router in discover_routers():
        app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(refuse_unstorable_text)])
    openapi.install(app)
    if settings.sandbox_mode:
        app.state.sandbox_app = _mount_sandbox(app, settings)
    # The UI answers only the GETs that no route or mount takes (the router's not-found fallback).
    web.mount_web_ui(app)
    return app


def _domain_modules(leaf: str) -> list[str]:
    """`clipper.<domain>.<leaf>` for every domain package that has one, in domain-name order."""
    names = []
    for module in sorted(pkgutil.iter_modules(clipper.__path__), key=lambda found: found.name):
        name = f"clipper.{module.name}.{leaf}"
        if module.ispkg and find_spec(name) is not None:
            names.append(name)
    return names


def discover_routers() -> list[APIRouter]:
    """The `router` of every `clipper.<domain>.router` module, in domain-name order."""
    return [importlib.import_module(name).router for name in _domain_modules("router")]


def sandbox_app(settings: Settings, *, public_url: str, webhook_callback_url: str | None = None) -> FastAPI:
    """The Graph API sandbox for these settings: the product's app pair and its exposure settings."""
    from graph_sandbox.app import create_sandbox_app
    from graph_sandbox.config import SandboxConfig

    return create_sandbox_app(
        SandboxConfig(
            app_id=settings.app_id,
            app_secret=settings.app_secret,
            app_name="Content Clipper (sandbox)",
            public_url=public_url,
            admin_remote_clients=settings.sandbox_admin_remote,
            media_any_host=settings.sandbox_media_any_host,
            webhook_callback_url=webhook_callback_url,
        )
    )


def _mount_sandbox(app: FastAPI, settings: Settings) -> FastAPI:
    webhooks = f"{settings.backend_url}{API_PREFIX}/webhooks/instagram"
    sandbox = sandbox_app(
        settings,
        public_url=settings.sandbox_url,
        webhook_callback_url=webhooks if settings.sandbox_deliver_webhooks else None,
    )
    app.mount(SANDBOX_MOUNT_PATH, sandbox)
    log.info(
        "sandbox mounted",
        admin_api="any client" if settings.sandbox_admin_remote else "loopback clients only",
        media_fetches="any host" if settings.sandbox_media_any_host else "loopback and own host only",
    )
    return sandbox


async def _start_sandbox(
    sandbox: FastAPI, transport: httpx.AsyncBaseTransport | None, stack: AsyncExitStack
) -> None:
    # Starlette does not run a mounted app's lifespan: the sandbox's runs inside ours.
    await stack.enter_async_context(sandbox.router.lifespan_context(sandbox))
    if transport is not None:
        # In-process mode (tests): the sandbox fetches media URLs and delivers webhooks through the
        # same transport, so `http://testserver/...` reaches this app without a socket.
        outgoing = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, follow_redirects=True, timeout=30.0)
        )
        sandbox.state.sandbox.http_client = outgoing


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state = app_state(app)
    settings: Settings = state.settings
    async with AsyncExitStack() as stack:
        resources = await stack.enter_async_context(
            open_resources(settings, cipher=state.cipher, graph_transport=state.graph_transport)
        )
        state.resources = resources
        sandbox: FastAPI | None = state.sandbox_app
        if sandbox is not None:
            await _start_sandbox(sandbox, state.graph_transport, stack)
        # Last in, first out: the worker stops before the resources close.
        state.worker = await stack.enter_async_context(
            worker.Worker(resources, consume=settings.worker_embedded).running()
        )
        log.info("started", version=__version__, sandbox_mode=settings.sandbox_mode, env=settings.environment)
        # What exists now (modules, routes, schemas: some 200,000 objects) lives as long as the process:
        # moved out of the collector's sight, a full collection no longer walks it (it took about 300 ms
        # every twenty requests of 200 posts).
        gc.freeze()
        yield
    log.info("stopped")
