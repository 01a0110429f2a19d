"""Graph access for insights: the account's Page-token client after the checks, and Graph errors → ours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.errors import (
    ClipperError,
)
from clipper.graph_errors import domain_error as map_graph_error
from clipper.instagram import (
    InstagramGraphAPI,
    InstagramGraphAPIError,
    InvalidTokenError,
)
from clipper.kv import KeyValueStore
from clipper.oauth.permissions import MANAGE_INSIGHTS as MANAGE_INSIGHTS
from clipper.security import TokenCipher

READ_PAGE_ENGAGEMENT = "pages_read_engagement"


@dataclass(frozen=True)
class Services:
    """What insights need besides the database: the token-less Graph client, the cipher and the cache."""

    graph: InstagramGraphAPI
    cipher: TokenCipher
    kv: KeyValueStore


def client_for(account: Account, services: Services, permission: str = MANAGE_INSIGHTS) -> InstagramGraphAPI:
    """The account's Page-token client; 409 first when it is disconnected or lacks the permission."""
    accounts.require_active(account)
    accounts.require_permission(account, permission)
    return accounts.graph_for(account, graph=services.graph, cipher=services.cipher)


def not_enough_viewers(error: InstagramGraphAPIError) -> bool:
    """Meta's code 10 for a story seen by fewer than 5 accounts: no data yet, not a missing permission."""
    return error.code == 10 and "not enough viewers" in str(error).lower()


def domain_error(error: InstagramGraphAPIError, permission: str = MANAGE_INSIGHTS) -> ClipperError:
    """The ClipperError for a Graph error; a missing permission is the insights one unless told."""
    return map_graph_error(error, permission=permission)


@asynccontextmanager
async def graph_errors(
    session: AsyncSession, account: Account, permission: str = MANAGE_INSIGHTS
) -> AsyncIterator[None]:
    """Turn Graph errors into ClipperErrors; a refused token marks the account (kept past a rollback)."""
    try:
        yield
    except InstagramGraphAPIError as error:
        if isinstance(error, InvalidTokenError):
            raise await accounts.token_refused(session, account=account, error=error) from None
        raise domain_error(error, permission) from None
