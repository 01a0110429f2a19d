"""`create_sandbox_app(config, http_client=...)`: the sandbox as a FastAPI app, standalone or mounted.

Routes are relative (`/graph/...`, `/dialog/oauth`, `/cdn/...`, `/_admin/...`, plus the publishing
routes), so the app works at `/` under uvicorn and under `/sandbox` of the product; absolute URLs
come from `config.public_url`. The running state is `app.state.sandbox`. Nothing depends on the
lifespan having run (a mounted sub-app's lifespan does not): the outgoing client is created lazily.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI

from graph_sandbox import cdn_routes, instagram_login, oauth_dialog, routing
from graph_sandbox.config import SandboxConfig
from graph_sandbox.drop import DropConnectionMiddleware
from graph_sandbox.exposure import loopback_admin
from graph_sandbox.handlers import load_handler_modules
from graph_sandbox.registry import admin_router, public_router
from graph_sandbox.state import Sandbox


def create_sandbox_app(
    config: SandboxConfig | None = None, *, http_client: httpx.AsyncClient | None = None
) -> FastAPI:
    """Build one sandbox instance with its own world."""
    load_handler_modules()
    sandbox = Sandbox(config or SandboxConfig(), http_client=http_client)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        del app
        yield
        await sandbox.aclose()

    app = FastAPI(
        title="Graph API sandbox", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.sandbox = sandbox
    app.add_middleware(DropConnectionMiddleware)
    app.include_router(routing.router)
    app.include_router(oauth_dialog.router)
    app.include_router(instagram_login.router)
    app.include_router(routing.instagram_host_router)
    app.include_router(cdn_routes.router)
    app.include_router(admin_router, prefix="/_admin", dependencies=[Depends(loopback_admin)])
    app.include_router(public_router)
    return app
