"""Graph calls made with no transaction open (jobs, and requests that ended theirs before calling Meta).

`graph_errors_outside` is the one mapping for them: a refused token (190) marks the account in a short
unit of work of its own and announces `account.updated`; every other Graph error becomes the product's
ClipperError (`clipper.graph_errors.domain_error`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import notify, service
from clipper.accounts.models import Account
from clipper.db import unit_of_work
from clipper.errors import ClipperError
from clipper.events.hub import EventHub
from clipper.graph_errors import domain_error
from clipper.instagram import InstagramGraphAPIError, InvalidTokenError

log = structlog.get_logger(__name__)


async def _mark_refused(
    factory: async_sessionmaker[AsyncSession], account: Account, error: InvalidTokenError
) -> tuple[ClipperError, Account | None]:
    """The 409 to raise, and the account once its mark is committed (None when nothing was marked)."""
    async with unit_of_work(factory) as session:
        current = await session.get(Account, account.id)
        # Reconnected (or deleted) while Meta answered: the refused token is not the stored one any more.
        if current is None or current.page_access_token_enc != account.page_access_token_enc:
            return domain_error(error, permission=""), None
        refused = await service.token_refused(session, account=current, error=error)
    return refused, current


async def refused_outside(
    factory: async_sessionmaker[AsyncSession],
    account: Account,
    error: InvalidTokenError,
    *,
    hub: EventHub | None,
) -> ClipperError:
    """Mark the account for a 190 in its own unit of work, announce it; → the ReconnectRequired to raise."""
    try:
        refused, marked = await _mark_refused(factory, account, error)
    except Exception as exc:  # the 409 must still reach the caller; the next Graph call marks it again
        log.error("token invalidation not recorded", account_id=account.id, exc_info=exc)
        return domain_error(error, permission="")
    if marked is not None:
        await notify.account_updated(hub, marked)
    return refused


@asynccontextmanager
async def graph_errors_outside(
    factory: async_sessionmaker[AsyncSession],
    account: Account,
    *,
    permission: str,
    hub: EventHub | None,
) -> AsyncIterator[None]:
    """Around Graph calls made with no transaction open: Graph errors leave as ClipperErrors.

    A refused token marks `account` (read before the calls) in a short unit of work of its own, unless
    it was reconnected meanwhile, then `account.updated` is published; `permission` names a 10/200.
    Never enter it inside a unit of work: the mark would wait on (or, on SQLite, deadlock with) it.
    """
    try:
        yield
    except InvalidTokenError as error:
        raise await refused_outside(factory, account, error, hub=hub) from None
    except InstagramGraphAPIError as error:
        raise domain_error(error, permission=permission) from None
