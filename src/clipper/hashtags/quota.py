"""Meta's weekly hashtag limit as we track it: 30 unique hashtags per account per rolling 7 days.

"Once you query a hashtag, it will count against this limit for 7 days. Subsequent queries on the same
hashtag within this time frame will not count against your limit, and will not reset its initial query
7 day timer" (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/hashtag-search).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.errors import TooManyRequests
from clipper.hashtags.models import HashtagSearch
from clipper.hashtags.schemas import QuotaRead, SearchedHashtag
from clipper.instagram.hashtags import HashtagRef

LIMIT = 30
WINDOW = timedelta(days=7)


class HashtagLimitReached(TooManyRequests):
    """The account has used its 30 unique hashtags of the last 7 days."""

    def __init__(self, message: str, *, frees_at: datetime | None, now: datetime) -> None:
        retry = int((frees_at - now).total_seconds()) + 1 if frees_at else None
        super().__init__(message, retry_after=retry)
        self.frees_at = frees_at

    def body(self) -> dict[str, object]:
        # As the API's other datetimes read (pydantic writes UTC as `Z`).
        when = self.frees_at.isoformat().replace("+00:00", "Z") if self.frees_at else None
        return {**super().body(), "frees_at": when}


def counts(row: HashtagSearch, now: datetime) -> bool:
    """True while the hashtag still takes one of the 30."""
    return now - row.counted_at < WINDOW


async def counting(session: AsyncSession, account_id: int, now: datetime) -> list[HashtagSearch]:
    """The account's hashtags that still count (at most the 30 Meta allowed, and a few of a race)."""
    found = await session.scalars(
        select(HashtagSearch)
        .where(HashtagSearch.account_id == account_id, HashtagSearch.counted_at > now - WINDOW)
        .order_by(HashtagSearch.counted_at)
    )
    return list(found)


async def searched(session: AsyncSession, account_id: int, hashtag: str) -> HashtagSearch | None:
    """The account's record of this hashtag, counting or not."""
    return await session.scalar(
        select(HashtagSearch).where(HashtagSearch.account_id == account_id, HashtagSearch.hashtag == hashtag)
    )


async def standing_of(session: AsyncSession, account_id: int, now: datetime) -> QuotaRead:
    """The account's standing read from the database."""
    return standing(account_id, await counting(session, account_id, now), now)


def standing(account_id: int, rows: Sequence[HashtagSearch], now: datetime) -> QuotaRead:
    """How many of the 30 are used, which, and when the next one frees."""
    live = sorted((row for row in rows if counts(row, now)), key=lambda row: row.counted_at)
    searched = [
        SearchedHashtag(hashtag=row.hashtag, counted_at=row.counted_at, frees_at=row.counted_at + WINDOW)
        for row in live
    ]
    return QuotaRead(
        account_id=account_id,
        limit=LIMIT,
        used=len(live),
        remaining=max(0, LIMIT - len(live)),
        next_frees_at=searched[0].frees_at if searched else None,
        searched=searched,
        elsewhere=[],
        instagram_checked=False,
        instagram_note=None,
    )


def merged(
    account_id: int, rows: Sequence[HashtagSearch], listed: Sequence[HashtagRef], now: datetime
) -> QuotaRead:
    """Our standing joined with Meta's own list of the week's hashtags (`recently_searched_hashtags`).

    A hashtag counts once whether we or Meta know it (matched by id, then by name). One only Meta lists was
    searched outside Clipper: it counts, with no known end. One only we count stays counted: Meta may list
    it late, and refusing early is cheaper than a search Meta refuses.
    """
    local = standing(account_id, rows, now)
    ids = {row.hashtag_id for row in rows if counts(row, now)}
    names = {item.hashtag for item in local.searched}
    elsewhere: list[str] = []
    for ref in listed:
        name = (ref.name or ref.id).lower()
        if ref.id not in ids and name not in names and name not in elsewhere:
            elsewhere.append(name)
    used = local.used + len(elsewhere)
    return local.model_copy(
        update={
            "used": used,
            "remaining": max(0, LIMIT - used),
            "elsewhere": elsewhere,
            "instagram_checked": True,
        }
    )


def refusal(quota: QuotaRead, hashtag: str, now: datetime) -> HashtagLimitReached:
    """The 429 for a new hashtag past the limit, saying when the next search frees up."""
    when = quota.next_frees_at
    at = f" The next one frees up at {when:%Y-%m-%d %H:%M} UTC." if when else ""
    return HashtagLimitReached(
        f"#{hashtag} would be a new hashtag, and this account has searched {quota.used} different "
        f"hashtags in the last 7 days: Instagram allows {LIMIT}.{at} Hashtags already searched this week "
        "can still be searched.",
        frees_at=when,
        now=now,
    )


def record(
    session: AsyncSession,
    existing: HashtagSearch | None,
    *,
    account_id: int,
    hashtag: str,
    hashtag_id: str,
    now: datetime,
) -> bool:
    """Note a query of the hashtag; True when it took one of the 30 (new, or its 7 days had passed)."""
    if existing is None:
        session.add(
            HashtagSearch(
                account_id=account_id,
                hashtag=hashtag,
                hashtag_id=hashtag_id,
                counted_at=now,
                last_searched_at=now,
            )
        )
        return True
    counted = not counts(existing, now)
    if counted:
        existing.counted_at = now
    existing.hashtag_id = hashtag_id
    existing.last_searched_at = now
    return counted
