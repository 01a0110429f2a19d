"""The account's recent media with their lifetime numbers: one page of media, one batch of insights.

A page of up to 50 media costs two Graph calls (the media edge, then one batch of their insights), and
one when the stored snapshots are fresh enough to answer as they are. The page itself is not cached:
a post published a minute ago must show up, and the media edge is the only call a reload costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_INSIGHTS
from clipper.db import unit_of_work, utcnow
from clipper.insights import snapshots
from clipper.insights.cache import Services
from clipper.insights.catalogue import MEDIA_CATALOGUE, product_of
from clipper.insights.models import MediaInsightSnapshot
from clipper.insights.posts import POST_METRICS
from clipper.insights.schemas import MediaInsightsPage, MediaWithInsightsRead
from clipper.instagram import InstagramGraphAPI, InvalidTokenError, RateLimitError
from clipper.instagram.batch import MAX_BATCH
from clipper.instagram.insights import parse_insights
from clipper.instagram.schemas import Media

LIST_FIELDS = (
    "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,timestamp,"
    "like_count,comments_count"
)
MAX_LIMIT = MAX_BATCH  # one batch of insights per page
# A new post's numbers move quickly for a couple of days, then barely: older snapshots stay good longer.
SETTLING = timedelta(days=2)
FRESH_WHILE_SETTLING = timedelta(minutes=5)
FRESH_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Numbers:
    """What Meta answered for one media: its values, or why it had none."""

    values: dict[str, Any]
    note: str | None = None


def _fresh(row: MediaInsightSnapshot | None, media: Media, now: datetime) -> bool:
    if row is None or not row.metrics:
        return False
    settling = media.timestamp is None or now - media.timestamp < SETTLING
    return now - row.captured_at < (FRESH_WHILE_SETTLING if settling else FRESH_AFTER)


def _names(media: Media) -> list[str]:
    return [m for m in POST_METRICS if m in MEDIA_CATALOGUE[product_of(media.media_product_type)]]


async def _fetch(client: InstagramGraphAPI, media: Sequence[Media]) -> dict[str, Numbers]:
    """Lifetime numbers of the media in one batch; a refused token or a rate limit fails the page."""
    answers = await client.batch([client.media_insights_request(m.id, _names(m)) for m in media])
    found: dict[str, Numbers] = {}
    for item, answer in zip(media, answers, strict=True):
        if isinstance(answer.error, InvalidTokenError | RateLimitError):
            raise answer.error
        if answer.error is not None:
            found[item.id] = Numbers({}, answer.error.user_message)
            continue
        found[item.id] = Numbers({m.name: m.value for m in parse_insights(answer.body)})
    return found


def _read(
    media: Media, fetched: Numbers | None, stored: MediaInsightSnapshot | None, now: datetime
) -> MediaWithInsightsRead:
    read = MediaWithInsightsRead(
        id=media.id,
        caption=media.caption,
        media_type=media.media_type,
        media_product_type=media.media_product_type,
        permalink=media.permalink,
        timestamp=media.timestamp,
        thumbnail_url=media.thumbnail_url or media.media_url,
        like_count=media.like_count,
        comments_count=media.comments_count,
        source="graph",
    )
    if fetched is not None and fetched.values:
        read.metrics, read.captured_at = fetched.values, now
    elif stored is not None and stored.metrics:
        read.metrics, read.captured_at, read.source = stored.metrics, stored.captured_at, "snapshots"
        read.note = fetched.note if fetched is not None else None
    elif fetched is not None:
        read.note = fetched.note
    return read


async def _store(session: AsyncSession, account: Account, media: Media, numbers: Numbers) -> None:
    await snapshots.store_media(
        session,
        account_id=account.id,
        media_id=media.id,
        product=product_of(media.media_product_type),
        values=numbers.values,
        source="graph",
        posted_at=media.timestamp,
        permalink=media.permalink,
    )


async def media_page(
    *, account: Account, services: Services, limit: int, cursor: str | None
) -> MediaInsightsPage:
    """A page of the account's media, newest first, each with its lifetime numbers."""
    client = services.client(account, MANAGE_INSIGHTS)
    now = utcnow()
    async with services.meta_errors(account, permission=MANAGE_INSIGHTS):
        media, next_cursor = await client.get_user_media_page(
            account.platform_account_id, fields=LIST_FIELDS, limit=limit, after=cursor
        )
        async with unit_of_work(services.factory, immediate=False) as session:
            stored = await snapshots.load_media_many(
                session, account_id=account.id, media_ids=[m.id for m in media]
            )
        stale = [m for m in media if not _fresh(stored.get(m.id), m, now)]
        fetched = await _fetch(client, stale) if stale else {}
    async with unit_of_work(services.factory) as session, snapshots.kept_if_possible(session):
        for item in stale:
            if fetched[item.id].values:
                await _store(session, account, item, fetched[item.id])
    return MediaInsightsPage(
        account_id=account.id,
        items=[_read(m, fetched.get(m.id), stored.get(m.id), now) for m in media],
        next_cursor=next_cursor,
        graph_calls=1 + (-(-len(stale) // MAX_BATCH)),
    )
