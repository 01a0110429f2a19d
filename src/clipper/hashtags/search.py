"""Hashtag search on Instagram for one of the user's accounts: the limit checked before Meta is asked,
the hashtag's id, its top or recent media, and what was searched recorded afterwards.

No transaction is open while Meta answers: the account and its searches are read in a short unit of work,
Meta is called through the gateway, and the search is recorded in another.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.accounts.permissions import is_instagram_login, label
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, Conflict, NotFound
from clipper.hashtags import quota
from clipper.hashtags.schemas import HashtagMediaPage, HashtagMediaRead, MediaEdge, QuotaRead, SearchRead
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.hashtags import HashtagEdge
from clipper.users.models import User

BASIC = "instagram_basic"
_EDGES: dict[MediaEdge, HashtagEdge] = {MediaEdge.TOP: "top_media", MediaEdge.RECENT: "recent_media"}


class HashtagSearchUnavailable(Conflict):
    """Hashtag search exists only in the Instagram API with Facebook Login."""


@dataclass(frozen=True)
class _Known:
    """What we knew of the hashtag before asking Meta: its id, and whether it still counts this week."""

    hashtag_id: str | None
    counting: bool


def require_facebook_login(account: Account) -> None:
    """Refuse an Instagram Login account up front: Meta offers hashtag search only with Facebook Login."""
    if is_instagram_login(account):
        raise HashtagSearchUnavailable(
            f"{label(account)} is connected with Instagram Login, and Instagram offers hashtag search only "
            "to accounts connected through a Facebook Page (Facebook Login). Connect it with "
            "Accounts → Connect Instagram to search hashtags."
        )


async def _prepare(
    access: AccountGraph, *, user: User, account_id: int, hashtag: str
) -> tuple[Account, _Known]:
    async with unit_of_work(access.factory, immediate=False) as session:
        account = await accounts.get_account(session, user=user, account_id=account_id)
        require_facebook_login(account)
        now = utcnow()
        row = await quota.searched(session, account.id, hashtag)
        standing = await quota.standing_of(session, account.id, now)
    counting = row is not None and quota.counts(row, now)
    if not counting and standing.remaining == 0:
        raise quota.refusal(standing, hashtag, now)
    return account, _Known(row.hashtag_id if row else None, counting)


async def standing(access: AccountGraph, *, user: User, account_id: int) -> QuotaRead:
    """Where the account stands against the 30: our record merged with Instagram's own list of the week's
    hashtags, or our record alone (with why) when Instagram cannot be asked: each search is checked by
    Meta anyway."""
    async with unit_of_work(access.factory, immediate=False) as session:
        account = await accounts.get_account(session, user=user, account_id=account_id)
        require_facebook_login(account)
        rows = await quota.counting(session, account.id, utcnow())
    try:
        async with access.calling(account, BASIC) as client:
            listed = await client.recently_searched_hashtags(account.platform_account_id)
    except ClipperError as error:
        local = quota.standing(account.id, rows, utcnow())
        return local.model_copy(
            update={"instagram_note": f"Instagram's own list was not read: {error.message}"}
        )
    return quota.merged(account.id, rows, listed, utcnow())


async def _hashtag_id(client: InstagramGraphAPI, account: Account, hashtag: str, known: _Known) -> str:
    if known.hashtag_id is not None and known.counting:
        return known.hashtag_id  # static and global on Meta, and still counted: no new search needed
    found = await client.search_hashtag(account.platform_account_id, hashtag)
    if found is None:
        raise NotFound(f"Instagram knows no hashtag #{hashtag}.")
    return found.id


async def _remember(
    access: AccountGraph, account: Account, hashtag: str, hashtag_id: str
) -> tuple[bool, QuotaRead]:
    """Record the query (it counted, or not) and answer the new standing; a concurrent first search of
    the same hashtag wins the row and this one updates it."""
    for attempt in range(2):
        try:
            async with unit_of_work(access.factory) as session:
                existing = await quota.searched(session, account.id, hashtag)
                now = utcnow()
                counted = quota.record(
                    session, existing, account_id=account.id, hashtag=hashtag, hashtag_id=hashtag_id, now=now
                )
                await session.flush()
                return counted, await quota.standing_of(session, account.id, now)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


async def search(access: AccountGraph, *, user: User, account_id: int, hashtag: str) -> SearchRead:
    """Find the hashtag on Instagram for the account, within its 30 unique hashtags per 7 days."""
    account, known = await _prepare(access, user=user, account_id=account_id, hashtag=hashtag)
    async with access.calling(account, BASIC) as client:
        hashtag_id = await _hashtag_id(client, account, hashtag, known)
    counted, standing = await _remember(access, account, hashtag, hashtag_id)
    return SearchRead(hashtag=hashtag, hashtag_id=hashtag_id, counted=counted, quota=standing)


async def media(
    access: AccountGraph,
    *,
    user: User,
    account_id: int,
    hashtag: str,
    edge: MediaEdge,
    limit: int,
    cursor: str | None,
) -> HashtagMediaPage:
    """One page of the hashtag's top (or last 24 hours') public media, with their likes and comments."""
    account, known = await _prepare(access, user=user, account_id=account_id, hashtag=hashtag)
    async with access.calling(account, BASIC) as client:
        hashtag_id = await _hashtag_id(client, account, hashtag, known)
    if not known.counting:  # recorded before the posts are read: Meta counted it even if that read fails
        await _remember(access, account, hashtag, hashtag_id)
    async with access.calling(account, BASIC) as client:
        items, next_cursor = await client.get_hashtag_media(
            hashtag_id, account.platform_account_id, edge=_EDGES[edge], limit=limit, after=cursor
        )
    return HashtagMediaPage(
        hashtag=hashtag,
        edge=edge,
        items=[HashtagMediaRead.model_validate(item, from_attributes=True) for item in items],
        next_cursor=next_cursor,
    )
