"""Hashtag research, the front door the router calls: search within Meta's weekly limit (`search`), where
an account stands against it (`quota`), a hashtag's top and recent media, and saved groups (`groups`).

Every function is scoped by the user: another user's account or group is a NotFound.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.graph import AccountGraph
from clipper.hashtags.export import to_csv
from clipper.hashtags.groups import create_group, delete_group, get_group, list_groups, update_group
from clipper.hashtags.performance import check_scope, performance
from clipper.hashtags.schemas import PerformanceScope, PerformanceSort, QuotaRead
from clipper.hashtags.search import media, search, standing
from clipper.users.models import User

__all__ = [
    "check_scope",
    "create_group",
    "delete_group",
    "get_group",
    "list_groups",
    "media",
    "performance",
    "performance_csv",
    "quota",
    "search",
    "update_group",
]


async def quota(access: AccountGraph, *, user: User, account_id: int) -> QuotaRead:
    """How many of the account's 30 unique hashtags per 7 days are left (counting those Instagram lists as
    searched outside Clipper), and when the next frees up."""
    return await standing(access, user=user, account_id=account_id)


async def performance_csv(
    session: AsyncSession, *, user: User, scope: PerformanceScope, sort: PerformanceSort
) -> str:
    """The hashtag performance report as CSV text."""
    return to_csv(await performance(session, user=user, scope=scope, sort=sort))
