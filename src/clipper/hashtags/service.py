"""Hashtag research, the front door the router calls: search within Meta's weekly limit (`search`), where
an account stands against it (`quota`), a hashtag's top and recent media, and saved groups (`groups`).

Every function is scoped by the user: another user's account or group is a NotFound.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts import service as accounts
from clipper.db import utcnow
from clipper.hashtags import quota as limits
from clipper.hashtags.groups import create_group, delete_group, get_group, list_groups, update_group
from clipper.hashtags.schemas import QuotaRead
from clipper.hashtags.search import media, require_facebook_login, search
from clipper.users.models import User

__all__ = [
    "create_group",
    "delete_group",
    "get_group",
    "list_groups",
    "media",
    "quota",
    "search",
    "update_group",
]


async def quota(session: AsyncSession, *, user: User, account_id: int) -> QuotaRead:
    """How many of the account's 30 unique hashtags per 7 days are left, and when the next frees up."""
    account = await accounts.get_account(session, user=user, account_id=account_id)
    require_facebook_login(account)
    return await limits.standing_of(session, account.id, utcnow())
