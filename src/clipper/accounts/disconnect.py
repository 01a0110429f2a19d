"""Letting an account go: revoke on Meta and unsubscribe its webhooks (best effort, no transaction open),
then drop its tokens (disconnect) or its rows (delete) in one short unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import notify
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account, AccountHealth
from clipper.accounts.store import get_account
from clipper.accounts.subscriptions import set_webhook_subscription, unsubscribe_page_webhooks
from clipper.db import unit_of_work
from clipper.instagram import InstagramGraphAPIError
from clipper.security import TokenDecryptError
from clipper.users.models import User

log = structlog.get_logger(__name__)


class Authorizations(Protocol):
    """The last authorization kept for `select-account` (`clipper.oauth.state_store.Authorizations`)."""

    async def forget_account(self, user_id: int, account_id: str) -> None: ...


async def _users_of_the_page(session: AsyncSession, account: Account) -> bool:
    """True when another active account (of any user) is the same IG account: it needs the Page's webhooks."""
    others = await session.scalars(
        select(Account.id).where(
            Account.platform == account.platform,
            Account.platform_account_id == account.platform_account_id,
            Account.id != account.id,
            Account.is_active,
        )
    )
    return others.first() is not None


def _shares_facebook_login(account: Account, other: Account) -> bool:
    facebook_user = (account.meta_info or {}).get("facebook_user_id")
    return bool(facebook_user) and (other.meta_info or {}).get("facebook_user_id") == facebook_user


async def _login_shared(session: AsyncSession, account: Account) -> bool:
    """True when another active account of the user was connected with the same Facebook login."""
    others = await session.scalars(
        select(Account).where(
            Account.user_id == account.user_id,
            Account.platform == account.platform,
            Account.id != account.id,
            Account.is_active,
        )
    )
    return any(_shares_facebook_login(account, other) for other in others)


async def _revoke_on_meta(gateway: AccountGraph, account: Account) -> bool:
    """De-authorize the app on Meta's side (best effort); True when Meta did."""
    # Instagram Login documents no de-authorization call (DELETE /me/permissions is graph.facebook.com's):
    # the person removes the app in Instagram's settings; the token is deleted here all the same.
    try:
        user_client = gateway.facebook_user(account)
        return user_client is not None and await user_client.revoke_permissions()
    except (InstagramGraphAPIError, TokenDecryptError) as exc:
        log.info("instagram revoke skipped", account_id=account.id, reason=type(exc).__name__)
        return False


@dataclass(frozen=True)
class _LetGo:
    """What Meta did when the account was let go: read with no transaction open."""

    platform_account_id: str
    unsubscribed: bool
    revoked: bool


async def _let_go_on_meta(gateway: AccountGraph, *, user: User, account_id: int) -> _LetGo:
    """Unsubscribe the Page and revoke the login on Meta (best effort), unless other accounts need them.

    The account is read in a session closed before Meta is called: no write lock waits on Meta.
    """
    async with gateway.factory() as session:
        account = await get_account(session, user=user, account_id=account_id)
        page_needed = await _users_of_the_page(session, account)
        # DELETE /me/permissions de-authorizes the whole Facebook login: it would cut off the other
        # accounts connected with it, so only this account's tokens are dropped then.
        login_needed = await _login_shared(session, account)
    unsubscribed = not page_needed and await unsubscribe_page_webhooks(gateway, account)
    revoked = not login_needed and await _revoke_on_meta(gateway, account)
    return _LetGo(account.platform_account_id, unsubscribed=unsubscribed, revoked=revoked)


def _drop_tokens(account: Account, let_go: _LetGo) -> None:
    if let_go.unsubscribed:
        set_webhook_subscription(account, subscribed=False, error=None)
    account.access_token_enc = None
    account.page_access_token_enc = None
    account.refresh_token_enc = None
    account.is_active = False
    account.health_status = AccountHealth.RECONNECT_REQUIRED
    account.health_reason = "Disconnected by you."


async def _let_go(
    gateway: AccountGraph, *, user: User, account_id: int, states: Authorizations, delete: bool
) -> Account:
    """Meta first with no transaction open (its endpoint holds no request transaction), then one short
    unit of work drops the tokens, and the account with everything stored for it when `delete`."""
    let_go = await _let_go_on_meta(gateway, user=user, account_id=account_id)
    # Its tokens in the last authorization go too, so `select-account` cannot bring it back.
    await states.forget_account(user.id, let_go.platform_account_id)
    async with unit_of_work(gateway.factory) as session:
        account = await get_account(session, user=user, account_id=account_id)
        _drop_tokens(account, let_go)
        if delete:
            await session.delete(account)
        else:
            await notify.record(session, account)
        await session.flush()
    event = "instagram account deleted" if delete else "instagram account disconnected"
    log.info(event, user_id=user.id, account_id=account_id, revoked=let_go.revoked)
    return account


async def disconnect_account(
    gateway: AccountGraph, *, user: User, account_id: int, states: Authorizations
) -> Account:
    """Revoke on Meta (best effort), delete the stored tokens and mark the account inactive (committed)."""
    return await _let_go(gateway, user=user, account_id=account_id, states=states, delete=False)


async def delete_account(
    gateway: AccountGraph, *, user: User, account_id: int, states: Authorizations
) -> None:
    """Disconnect the account, then delete it and everything stored for it (posts, inbox, insights…)."""
    await _let_go(gateway, user=user, account_id=account_id, states=states, delete=True)
