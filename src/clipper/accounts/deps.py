"""Request dependency: a token Meta refused during a request stays marked after the request rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import notify, service
from clipper.deps import CipherDep
from clipper.events.hub import EventHub
from clipper.oauth.state_store import OAuthStateStore


async def keep_token_invalidations(request: Request) -> AsyncIterator[None]:
    """Record the invalidation a `TokenRefused` carries once the request's unit of work has rolled back."""
    try:
        yield
    except service.TokenRefused as refused:
        # Read now, not at startup: tests swap the factory for one on their own transaction.
        account = await service.keep_invalidation(request.app.state.session_factory, refused)
        if account is not None:
            await notify.account_updated(event_hub(request), account)
        raise


# Used as a router-level dependency: entered before the endpoint's session dependency, so (both being
# function-scoped) it exits after the session rolled back, and before the 409 is rendered.
KeepTokenInvalidations = Depends(keep_token_invalidations, scope="function")


def event_hub(request: Request) -> EventHub | None:
    """The events hub, when the app runs one."""
    hub: EventHub | None = getattr(request.app.state, "events", None)
    return hub


EventsDep = Annotated[EventHub | None, Depends(event_hub)]


def get_oauth_states(request: Request, cipher: CipherDep) -> OAuthStateStore:
    """OAuth states and the last authorization, on the app's key-value store."""
    return OAuthStateStore(request.app.state.kv, cipher)


StatesDep = Annotated[OAuthStateStore, Depends(get_oauth_states)]


def session_factory(request: Request) -> async_sessionmaker[AsyncSession]:
    """The app's session factory, for short units of work after the request's transaction ended.

    Endpoints that call Meta commit the request's session first, so no transaction (and, on SQLite,
    no write lock) stays open while Meta answers.
    """
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    return factory


FactoryDep = Annotated[async_sessionmaker[AsyncSession], Depends(session_factory)]
