"""The account's own posts over a range with their lifetime numbers: one media list, one batch of insights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_INSIGHTS
from clipper.db import unit_of_work
from clipper.insights import ranges, snapshots
from clipper.insights.cache import Services
from clipper.insights.catalogue import MEDIA_CATALOGUE, product_of
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.batch import BatchRequest
from clipper.instagram.schemas import Media

POST_FIELDS = "id,media_type,media_product_type,timestamp,permalink,like_count,comments_count"
POST_METRICS = ("views", "reach", "likes", "comments", "saved", "shares", "total_interactions")
MAX_POSTS = 200


@dataclass(frozen=True)
class PostMetrics:
    """One published post and its lifetime numbers (empty when Meta had none)."""

    media_id: str
    product: str
    posted_at: datetime
    permalink: str | None
    values: dict[str, Any]

    @property
    def engagement_rate(self) -> float | None:
        """Interactions per account reached."""
        reach, interactions = self.values.get("reach"), self.values.get("total_interactions")
        if not isinstance(reach, int | float) or not reach or not isinstance(interactions, int | float):
            return None
        return float(interactions) / float(reach)


def _request(media: Media) -> BatchRequest:
    names = [m for m in POST_METRICS if m in MEDIA_CATALOGUE[product_of(media.media_product_type)]]
    return BatchRequest(f"{media.id}/insights?{urlencode({'metric': ','.join(names)})}")


async def _numbers(client: InstagramGraphAPI, media: list[Media]) -> list[dict[str, Any]]:
    answers = await client.batch([_request(m) for m in media])
    return [
        {item["name"]: (item.get("values") or [{}])[0].get("value") for item in answer.body.get("data", [])}
        if answer.ok and isinstance(answer.body, dict)
        else {}
        for answer in answers
    ]


async def posts_between(
    *, account: Account, services: Services, first: date, last: date
) -> list[PostMetrics]:
    """Posts published from `first` to `last` (insights days), oldest first, with their numbers stored too."""
    client = services.client(account, MANAGE_INSIGHTS)
    since = int(ranges.day_start(first).timestamp())
    until = int(ranges.day_start(last + timedelta(days=1)).timestamp()) - 1
    async with services.meta_errors(account, permission=MANAGE_INSIGHTS):
        media = await client.get_user_media(
            account.platform_account_id, fields=POST_FIELDS, since=since, until=until, max_items=MAX_POSTS
        )
        media = [m for m in media if m.timestamp is not None]
        numbers = await _numbers(client, media) if media else []
    posts = []
    for item, values in zip(media, numbers, strict=True):
        product = product_of(item.media_product_type)
        assert item.timestamp is not None
        posts.append(PostMetrics(item.id, product, item.timestamp, item.permalink, values))
    if not any(post.values for post in posts):
        return sorted(posts, key=lambda p: p.posted_at)
    async with unit_of_work(services.factory) as session:
        for post in posts:
            if post.values:
                await _keep(session, account, post)
    return sorted(posts, key=lambda p: p.posted_at)


async def _keep(session: AsyncSession, account: Account, post: PostMetrics) -> None:
    async with snapshots.kept_if_possible(session):
        await snapshots.store_media(
            session,
            account_id=account.id,
            media_id=post.media_id,
            product=post.product,
            values=post.values,
            source="graph",
            posted_at=post.posted_at,
            permalink=post.permalink,
        )
