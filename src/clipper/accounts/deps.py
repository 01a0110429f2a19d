"""Request dependency: a token Meta refused during a request stays marked after the request rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request

from clipper.accounts import notify, tokens
from clipper.deps import event_hub


async def keep_token_invalidations(request: Request) -> AsyncIterator[None]:
    """Record the invalidation a `TokenRefused` carries once the request's unit of work has rolled back."""
    try:
        yield
    except tokens.TokenRefused as refused:
        # Read now, not at startup: tests swap the factory for one on their own transaction.
        account = await tokens.keep_invalidation(request.app.state.session_factory, refused)
        if account is not None:
            await notify.account_updated(event_hub(request), account)
        raise


# Used as a router-level dependency: entered before the endpoint's session dependency, so (both being
# function-scoped) it exits after the session rolled back, and before the 409 is rendered.
KeepTokenInvalidations = Depends(keep_token_invalidations, scope="function")
