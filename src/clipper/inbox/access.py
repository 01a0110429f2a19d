"""Graph access for the inbox: the account's Page-token client after the checks, and Graph errors → ours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.errors import (
    ReconnectRequired,
)
from clipper.graph_errors import domain_error as domain_error
from clipper.instagram import (
    InstagramGraphAPI,
    InstagramGraphAPIError,
    InvalidTokenError,
)
from clipper.oauth.permissions import MANAGE_COMMENTS as MANAGE_COMMENTS
from clipper.oauth.permissions import MANAGE_MESSAGES as MANAGE_MESSAGES
from clipper.security import TokenCipher


@dataclass(frozen=True)
class GraphAccess:
    """What a service needs to call Meta for accounts: the token-less client and the token cipher."""

    graph: InstagramGraphAPI
    cipher: TokenCipher


def client_for(account: Account, permission: str, *, access: GraphAccess) -> InstagramGraphAPI:
    """The account's Page-token client; 409 first when it is disconnected or lacks `permission`."""
    accounts.require_active(account)
    accounts.require_permission(account, permission)
    return accounts.graph_for(account, graph=access.graph, cipher=access.cipher)


def page_id(account: Account) -> str:
    """The node messaging goes through: the linked Facebook Page (Facebook Login), or the account itself
    on graph.instagram.com (Instagram Login: `/{ig-id}/conversations`, `/{ig-id}/messages`)."""
    if accounts.is_instagram_login(account):
        return account.platform_account_id
    found = (account.meta_info or {}).get("facebook_page_id")
    if not found:
        raise accounts_reconnect(account)
    return str(found)


def accounts_reconnect(account: Account) -> ReconnectRequired:
    """The error for an account whose stored connection lacks what messaging needs."""
    return ReconnectRequired(
        f"@{account.account_username or account.id} has no linked Facebook Page on record: reconnect it."
    )


@asynccontextmanager
async def graph_errors(session: AsyncSession, account: Account, *, permission: str) -> AsyncIterator[None]:
    """Turn Graph errors into ClipperErrors; a refused token marks the account (kept past a rollback)."""
    try:
        yield
    except InstagramGraphAPIError as error:
        if isinstance(error, InvalidTokenError):
            raise await accounts.token_refused(session, account=account, error=error) from None
        raise domain_error(error, permission=permission) from None
