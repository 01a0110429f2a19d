"""The one gateway to Meta on an account's behalf.

`AccountGraph.client(account, permission)` checks the account is active and that its login granted the
permission (under its flavour's name), and builds the token-bearing client on the flavour's host. Graph
errors become the product's errors (`clipper.graph_errors.domain_error`) in one place,
`graph_errors_outside` (`AccountGraph.calling` / `meta_errors`), around calls made with no transaction
open: a refused token (190) is recorded in a short unit of work of its own (with its `account.updated`
webhook event), then announced. An endpoint that calls Meta holds no request transaction: it reads in a
short unit of work, calls Meta through the gateway, then writes in another.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import notify, tokens
from clipper.accounts.models import Account
from clipper.accounts.permissions import is_instagram_login, require_active, require_permission
from clipper.db import unit_of_work
from clipper.errors import ClipperError, ReconnectRequired
from clipper.events.hub import EventHub
from clipper.graph_errors import domain_error
from clipper.instagram import InstagramGraphAPI, InstagramGraphAPIError, InvalidTokenError
from clipper.resources import Resources
from clipper.security import TokenCipher

log = structlog.get_logger(__name__)


def _on_host(account: Account, token: str, *, graph: InstagramGraphAPI) -> InstagramGraphAPI:
    """A Graph client for the account on the shared connection pool, the one place its login flavour
    picks the host: graph.facebook.com with a Page token (Facebook Login), or graph.instagram.com with an
    Instagram User token (Instagram Login)."""
    if is_instagram_login(account):
        return graph.for_instagram_login(token)
    return graph.with_token(token)


def messaging_node(account: Account) -> str:
    """The node messaging goes through: the linked Facebook Page (Facebook Login), or the account itself
    on graph.instagram.com (Instagram Login: `/{ig-id}/conversations`, `/{ig-id}/messages`)."""
    if is_instagram_login(account):
        return account.platform_account_id
    found = (account.meta_info or {}).get("facebook_page_id")
    if not found:
        raise ReconnectRequired(
            f"@{account.account_username or account.id} has no linked Facebook Page on record: reconnect it."
        )
    return str(found)


@dataclass(frozen=True)
class AccountGraph:
    """The gateway: the token-less shared client, the token cipher, and where a refused token is recorded
    (the session factory, for a short unit of work of its own) and announced (the events hub)."""

    graph: InstagramGraphAPI
    cipher: TokenCipher
    factory: async_sessionmaker[AsyncSession]
    hub: EventHub | None = None

    @classmethod
    def of(cls, resources: Resources) -> AccountGraph:
        """The gateway on the process's resources (read now: build it where it is used, so a swapped
        resource is honoured)."""
        return cls(resources.graph, resources.cipher, resources.session_factory, resources.events)

    def client(self, account: Account, permission: str) -> InstagramGraphAPI:
        """The account's token-bearing client; 409 first when it is disconnected or lacks `permission`."""
        require_active(account)
        require_permission(account, permission)
        return self.bearing(account)

    def bearing(self, account: Account, token: str | None = None) -> InstagramGraphAPI:
        """The account's client carrying `token` (default: its stored token) on its flavour's host, with
        no active or permission check and raw Graph errors: for the callers that give the verdict
        themselves (the health check writes what Meta said; subscribing and letting go are best effort).
        ReconnectRequired when no token is stored or it cannot be decrypted."""
        return _on_host(account, token or tokens.stored_token(account, cipher=self.cipher), graph=self.graph)

    def facebook_user(self, account: Account) -> InstagramGraphAPI | None:
        """A client carrying the Facebook user's token of a Facebook Login account (de-authorizing the
        login is the user's, not the Page's); None when none is stored."""
        if not account.access_token_enc or is_instagram_login(account):
            return None
        return self.graph.with_token(self.cipher.decrypt(account.access_token_enc))

    def meta_errors(self, account: Account, *, permission: str) -> AbstractAsyncContextManager[None]:
        """Around calls made with a client from `client` and no transaction open: see
        `graph_errors_outside` (a refused token is recorded in its own unit of work, then announced)."""
        return graph_errors_outside(self.factory, account, permission=permission, hub=self.hub)

    @asynccontextmanager
    async def calling(self, account: Account, permission: str) -> AsyncIterator[InstagramGraphAPI]:
        """The account's client (see `client`) for calls made with no transaction open.

        Graph errors leave as ClipperErrors; a refused token is recorded in a short unit of work of its
        own, then announced (see `graph_errors_outside`).
        """
        client = self.client(account, permission)
        async with graph_errors_outside(self.factory, account, permission=permission, hub=self.hub):
            yield client

    async def refused(self, account: Account, error: InvalidTokenError) -> ClipperError:
        """Record a 190 met outside `calling` (a batch answer); → the ReconnectRequired it means."""
        return await refused_outside(self.factory, account, error, hub=self.hub)


async def _mark_refused(
    factory: async_sessionmaker[AsyncSession], account: Account, error: InvalidTokenError
) -> tuple[ClipperError, Account | None]:
    """The 409 to raise, and the account once its mark is committed (None when nothing was marked)."""
    async with unit_of_work(factory) as session:
        current = await session.get(Account, account.id)
        # Reconnected (or deleted) while Meta answered: the refused token is not the stored one any more.
        if current is None or current.page_access_token_enc != account.page_access_token_enc:
            return domain_error(error, permission=""), None
        refused = await tokens.token_refused(session, account=current, error=error)
        await notify.record(session, current)
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
