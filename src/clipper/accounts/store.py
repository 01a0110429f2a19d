"""The account store: the user's accounts (scoped by the user: another user's is a NotFound), and the
row an authorization creates or refreshes. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.health import health_status
from clipper.accounts.models import Account, LoginFlavour
from clipper.db import utcnow
from clipper.errors import NotFound
from clipper.security import TokenCipher
from clipper.users.models import User

SUPPORTED_PLATFORMS = ("instagram",)


@dataclass(frozen=True)
class ConnectedAccount:
    """What an authorization found for one IG account, enough to create or refresh its row."""

    instagram_business_account_id: str
    username: str | None
    name: str | None
    profile_picture_url: str | None
    facebook_user_id: str | None
    facebook_page_id: str | None  # None for Instagram Login: no Page
    facebook_page_name: str | None
    # The token every Instagram call uses: the Page token (Facebook Login) or the IG user token.
    page_access_token: str
    user_access_token: str
    user_token_expires_at: datetime | None
    granted_permissions: list[str]
    followers_count: int | None = None
    media_count: int | None = None
    # How the login reached the Page: page_role, business_owned or business_client (see oauth.discovery).
    page_source: str = "page_role"
    business_name: str | None = None
    login_flavour: str = LoginFlavour.FACEBOOK


async def get_account(session: AsyncSession, *, user: User, account_id: int) -> Account:
    """Return the user's account; NotFound for an unknown id or another user's."""
    account = await session.scalar(
        select(Account).where(Account.id == account_id, Account.user_id == user.id)
    )
    if account is None:
        raise NotFound(f"No connected account with id {account_id}.")
    return account


async def list_accounts(
    session: AsyncSession,
    *,
    user: User,
    platform: str | None = None,
    limit: int | None = None,
    after_id: int | None = None,
) -> Sequence[Account]:
    """Return the user's accounts, oldest first; `after_id`/`limit` page through them."""
    query = select(Account).where(Account.user_id == user.id).order_by(Account.id)
    if platform is not None:
        query = query.where(Account.platform == platform)
    if after_id is not None:
        query = query.where(Account.id > after_id)
    if limit is not None:
        query = query.limit(limit)
    return (await session.scalars(query)).all()


def _meta_info(found: ConnectedAccount) -> dict[str, Any]:
    """The seed's `meta_info`, minus the Page token (kept encrypted in its own column)."""
    return {
        "id": found.instagram_business_account_id,
        "username": found.username,
        "name": found.name,
        "profile_picture_url": found.profile_picture_url,
        "facebook_user_id": found.facebook_user_id,
        "facebook_page_id": found.facebook_page_id,
        "facebook_page_name": found.facebook_page_name,
        "instagram_business_account_id": found.instagram_business_account_id,
        "page_source": found.page_source,
        "business_name": found.business_name,
    }


async def connect_account(
    session: AsyncSession, *, user: User, found: ConnectedAccount, cipher: TokenCipher, platform: str
) -> Account:
    """Create the account, or refresh the one already connected (new tokens, active again)."""
    account = await session.scalar(
        select(Account).where(
            Account.user_id == user.id,
            Account.platform == platform,
            Account.platform_account_id == found.instagram_business_account_id,
        )
    )
    if account is None:
        account = Account(user_id=user.id, platform=platform)
        session.add(account)
    account.platform_account_id = found.instagram_business_account_id
    account.login_flavour = found.login_flavour
    account.account_username = found.username
    account.meta_info = _meta_info(found)
    account.access_token_enc = cipher.encrypt(found.user_access_token)
    account.page_access_token_enc = cipher.encrypt(found.page_access_token)
    account.token_expires_at = found.user_token_expires_at
    account.granted_permissions = list(found.granted_permissions)
    account.followers_count = found.followers_count
    account.media_count = found.media_count
    account.profile_picture_url = found.profile_picture_url
    account.profile_refreshed_at = utcnow()
    account.is_active = True
    account.health_status = health_status(found.user_token_expires_at, account.granted_permissions)
    account.health_reason = None
    account.connected_at = utcnow()
    account.last_checked_at = utcnow()
    await session.flush()
    return account
