"""OAuth, the front door the router calls: the login flow (`login.InstagramOAuth`), choosing an account
of the last login, the connection status, disconnecting; each account connected or disconnected is
announced (`account.updated`) once its unit of work, which recorded the webhook event, has committed.

Calls that reach Meta take the session factory: their endpoints hold no request transaction.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import notify
from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.accounts.schemas import AccountRead
from clipper.errors import NotFound
from clipper.events.hub import EventHub
from clipper.oauth.login import InstagramOAuth
from clipper.oauth.outcomes import CallbackResult
from clipper.oauth.schemas import ConnectionStatus
from clipper.oauth.state_store import OAuthStateStore
from clipper.users.models import User

__all__ = [
    "InstagramOAuth",
    "complete_login",
    "connection_status",
    "disconnect",
    "select_account",
    "supported_platform",
]


def supported_platform(platform: str) -> str:
    """The platform, or NotFound listing the supported ones."""
    if platform not in accounts.SUPPORTED_PLATFORMS:
        raise NotFound(
            f"Unsupported platform '{platform}': supported platforms are "
            + ", ".join(accounts.SUPPORTED_PLATFORMS)
            + "."
        )
    return platform


async def complete_login(
    oauth: InstagramOAuth,
    factory: async_sessionmaker[AsyncSession],
    *,
    hub: EventHub | None,
    user: User | None,
    params: dict[str, str],
    browser_nonce: str | None,
) -> CallbackResult:
    """Take the login dialog's callback (see `InstagramOAuth.handle_callback`); announce what it connected."""
    result = await oauth.handle_callback(factory, user=user, params=params, browser_nonce=browser_nonce)
    if result.account is not None:
        await notify.account_updated(hub, result.account)
    return result


async def select_account(
    oauth: InstagramOAuth,
    factory: async_sessionmaker[AsyncSession],
    *,
    hub: EventHub | None,
    user: User,
    instagram_business_account_id: str,
) -> Account:
    """Connect one account of the user's last login, and announce it."""
    account = await oauth.select_account(
        factory, user=user, instagram_business_account_id=instagram_business_account_id
    )
    await notify.account_updated(hub, account)
    return account


async def connection_status(session: AsyncSession, *, user: User, platform: str) -> ConnectionStatus:
    """The user's accounts of the platform with their health; `connected` when one of them is active."""
    found = await accounts.list_accounts(session, user=user, platform=platform)
    items = [AccountRead.model_validate(account) for account in found]
    return ConnectionStatus(
        platform=platform, connected=any(item.is_active for item in items), accounts=items
    )


async def disconnect(
    gateway: accounts.AccountGraph, *, user: User, account_id: int, states: OAuthStateStore
) -> Account:
    """Revoke on Meta's side (best effort), delete the tokens, mark the account inactive; announce it."""
    account = await accounts.disconnect_account(gateway, user=user, account_id=account_id, states=states)
    await notify.account_updated(gateway.hub, account)
    return account
