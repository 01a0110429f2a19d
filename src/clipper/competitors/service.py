"""Competitor benchmarks, the front door: track, list, compare, chart and forget competitors.

Only Facebook Login accounts: Business Discovery exists on graph.facebook.com alone. Adding a competitor
asks Meta first, with no transaction open (read the account, call Meta through the accounts gateway,
then write in a short unit of work); the daily pass lives in `clipper.competitors.snapshots`.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.accounts.permissions import is_instagram_login, label
from clipper.competitors import figures, store, views
from clipper.competitors.models import OWN_SUBJECT, Competitor
from clipper.competitors.schemas import ComparisonRead, CompetitorList, CompetitorRead, HistoryRead
from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, Conflict, NotFound
from clipper.users.models import User

MAX_HISTORY_DAYS = 365

log = structlog.get_logger(__name__)


def require_facebook_login(account: Account) -> None:
    """Refuse an Instagram Login account, saying why (409)."""
    if is_instagram_login(account):
        raise Conflict(
            f"Competitor benchmarks need an account connected with Facebook Login: {label(account)} was "
            "connected with Instagram Login, and Meta offers Business Discovery (how other accounts are "
            "read) only on graph.facebook.com. Connect it again through Facebook Login to track competitors."
        )


async def _tracking_account(session: AsyncSession, *, user: User, account_id: int) -> Account:
    account = await accounts.get_account(session, user=user, account_id=account_id)
    require_facebook_login(account)
    return account


async def _check_room(session: AsyncSession, *, account: Account, username: str, limit: int) -> None:
    if await store.find_competitor(session, account_id=account.id, username=username) is not None:
        raise Conflict(f"@{username} is already tracked for {label(account)}.")
    if await store.count_competitors(session, account_id=account.id) >= limit:
        raise Conflict(
            f"{label(account)} already tracks {limit} competitors, the most allowed: remove one first."
        )


async def _own_reading(access: AccountGraph, account: Account, *, posts: int) -> figures.Reading | None:
    """Our account's figures of today; None when Meta refuses (the daily pass tries again)."""
    try:
        async with access.calling(account, figures.OWN_PERMISSION) as client:
            return await figures.read_own(client, account, posts=posts)
    except ClipperError as error:
        log.info("own figures not read", account_id=account.id, reason=error.message)
        return None


async def add_competitor(
    factory: async_sessionmaker[AsyncSession],
    access: AccountGraph,
    *,
    user: User,
    account_id: int,
    username: str,
    settings: Settings,
) -> CompetitorRead:
    """Check `username` with Meta (a public Business or Creator account), then track it from today (our
    account's figures of today are read too when not stored yet, so the chart starts side by side)."""
    limit = settings.competitors_max_per_account
    async with unit_of_work(factory, immediate=False) as session:
        account = await _tracking_account(session, user=user, account_id=account_id)
        await _check_room(session, account=account, username=username, limit=limit)
        own_known = await store.has_snapshot(
            session, account_id=account.id, subject=OWN_SUBJECT, day=utcnow().date()
        )
    posts = settings.competitors_recent_posts
    reading = await figures.discover_through(access, account, username, posts=posts)
    own = None if own_known else await _own_reading(access, account, posts=posts)
    now = utcnow()
    async with unit_of_work(factory) as session:
        await _check_room(session, account=account, username=username, limit=limit)
        if own is not None:
            await store.store_reading(
                session, account_id=account.id, subject=OWN_SUBJECT, day=now.date(), reading=own
            )
        competitor = Competitor(
            account_id=account.id,
            username=username,
            ig_user_id=reading.ig_user_id,
            name=reading.name,
            profile_picture_url=reading.profile_picture_url,
            created_at=now,
            checked_at=now,
        )
        session.add(competitor)
        await session.flush()
        await store.store_reading(
            session, account_id=account.id, subject=username, day=now.date(), reading=reading
        )
        latest = await store.latest(session, account_id=account.id)
        return views.competitor_read(competitor, latest)


async def list_competitors(
    session: AsyncSession, *, user: User, account_id: int, settings: Settings
) -> CompetitorList:
    """The account's competitors with their newest figures."""
    account = await _tracking_account(session, user=user, account_id=account_id)
    competitors = await store.list_competitors(session, account_id=account.id)
    latest = await store.latest(session, account_id=account.id)
    items = [views.competitor_read(c, latest) for c in competitors]
    return CompetitorList(items=items, limit=settings.competitors_max_per_account)


async def remove_competitor(
    session: AsyncSession, *, user: User, account_id: int, competitor_id: int
) -> None:
    """Stop tracking a competitor and forget its history."""
    account = await accounts.get_account(session, user=user, account_id=account_id)
    competitor = await store.get_competitor(session, account_id=account.id, competitor_id=competitor_id)
    if competitor is None:
        raise NotFound(f"No tracked competitor with id {competitor_id} on {label(account)}.")
    await store.delete_competitor(session, competitor)


async def comparison(session: AsyncSession, *, user: User, account_id: int) -> ComparisonRead:
    """The newest figures of our account and of each competitor, side by side."""
    account = await _tracking_account(session, user=user, account_id=account_id)
    competitors = await store.list_competitors(session, account_id=account.id)
    latest = await store.latest(session, account_id=account.id)
    rows = views.comparison_rows(account, competitors, latest, today=utcnow().date())
    return ComparisonRead(account_id=account.id, rows=rows)


async def history(session: AsyncSession, *, user: User, account_id: int, days: int) -> HistoryRead:
    """Daily figures over the last `days` days: our account's series, then each competitor's."""
    account = await _tracking_account(session, user=user, account_id=account_id)
    competitors = await store.list_competitors(session, account_id=account.id)
    since = utcnow().date() - timedelta(days=min(days, MAX_HISTORY_DAYS) - 1)
    # One row per subject and day: (competitors + our account) x days bounds the read.
    bound = (len(competitors) + 1) * MAX_HISTORY_DAYS
    rows = await store.history(session, account_id=account.id, since=since, limit=bound)
    return HistoryRead(account_id=account.id, since=since, series=views.series(account, competitors, rows))
