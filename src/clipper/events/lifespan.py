"""Start the app's event hub (`app.state.events`) before the domains that publish on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from clipper.events.hub import create_hub


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the hub for the app's settings and close it at shutdown."""
    async with create_hub(app.state.settings) as hub:
        app.state.events = hub
        yield
