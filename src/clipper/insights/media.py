"""Media insights by product type (GRAPH_API.md §7.2), stories captured before Meta forgets them at 24 h."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_INSIGHTS
from clipper.db import unit_of_work
from clipper.errors import NotFound
from clipper.insights import cache, snapshots
from clipper.insights.cache import Services
from clipper.insights.catalogue import STORY, media_metrics, product_of
from clipper.insights.schemas import MediaInsightsRead
from clipper.instagram import (
    InstagramGraphAPI,
    InstagramGraphAPIError,
    InvalidParameterError,
    NotFoundError,
)
from clipper.instagram.schemas import Media
from clipper.social.models import SocialPost
from clipper.users.models import User

MEDIA_FIELDS = "id,media_type,media_product_type,timestamp,permalink,owner"
NOT_ENOUGH_VIEWERS = "Fewer than 5 accounts have seen this story yet: Meta shows no numbers until then."
EXPIRED = "Meta no longer serves this story's insights (24 h passed): these are the numbers we captured."


def not_enough_viewers(error: InstagramGraphAPIError) -> bool:
    """Meta's code 10 for a story seen by fewer than 5 accounts: no data yet, not a missing permission."""
    return error.code == 10 and "not enough viewers" in str(error).lower()


async def media_account(
    session: AsyncSession, *, user: User, media_id: str, account_id: int | None
) -> Account:
    """The user's account a media belongs to: the one given, else the one that published or stored it."""
    if account_id is not None:
        return await accounts.get_account(session, user=user, account_id=account_id)
    owner = await session.scalar(
        select(SocialPost.account_id).where(
            SocialPost.user_id == user.id, SocialPost.platform_post_id == media_id
        )
    )
    if owner is None:
        mine = [a.id for a in await accounts.list_accounts(session, user=user)]
        owner = await snapshots.find_media_owner(session, account_ids=mine, media_id=media_id)
    if owner is None:
        raise NotFound(f"No media {media_id} among your accounts' posts: pass ?account_id= to look it up.")
    return await accounts.get_account(session, user=user, account_id=owner)


def _values(items: Sequence[Any]) -> dict[str, Any]:
    return {item.name: item.value for item in items}


async def read_metrics(
    client: InstagramGraphAPI, media_id: str, names: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """The metrics in one call; if Meta refuses the set, one call each so a bad name costs only itself."""
    try:
        return _values(await client.get_media_insights(media_id, list(names))), []
    except InvalidParameterError as error:
        if not any(name in str(error) for name in names):
            raise  # not about a metric (a carousel child, say): one call per metric would not help
        if len(names) == 1:
            return {}, list(names)
    values: dict[str, Any] = {}
    refused: list[str] = []
    for name in names:
        try:
            values.update(_values(await client.get_media_insights(media_id, [name])))
        except InvalidParameterError:
            refused.append(name)
    return values, refused


async def _owned_media(client: InstagramGraphAPI, account: Account, media_id: str) -> Media:
    media = await client.get_media_details(media_id, fields=MEDIA_FIELDS)
    if media.owner is None or media.owner.id != account.platform_account_id:
        raise NotFound(f"No media {media_id} on @{account.account_username or account.id}.")
    return media


def _stored(account: Account, media_id: str, row: Any, note: str | None) -> MediaInsightsRead:
    return MediaInsightsRead(
        account_id=account.id,
        media_id=media_id,
        media_product_type=row.media_product_type,
        metrics=row.metrics,
        captured_at=row.captured_at,
        source="snapshots",
        note=note,
    )


async def _live(
    factory: async_sessionmaker[AsyncSession],
    account: Account,
    client: InstagramGraphAPI,
    media: Media,
    requested: Sequence[str],
) -> MediaInsightsRead:
    product = product_of(media.media_product_type)
    names, unsupported = media_metrics(product, requested, client.api_version)
    note = None
    try:
        values, refused = await read_metrics(client, media.id, names) if names else ({}, [])
    except InstagramGraphAPIError as error:
        if not not_enough_viewers(error):
            raise
        values, refused, note = {}, [], NOT_ENOUGH_VIEWERS
    if values:
        async with unit_of_work(factory) as session, snapshots.kept_if_possible(session):
            await snapshots.store_media(
                session,
                account_id=account.id,
                media_id=media.id,
                product=product,
                values=values,
                source="graph",
                posted_at=media.timestamp,
                permalink=media.permalink,
            )
    return MediaInsightsRead(
        account_id=account.id,
        media_id=media.id,
        media_product_type=product,
        metrics=values,
        unsupported=[*unsupported, *refused],
        source="graph",
        note=note,
    )


async def media_insights(
    *,
    account: Account,
    media_id: str,
    services: Services,
    metrics: Sequence[str] | None,
) -> MediaInsightsRead:
    """Lifetime numbers of one of the account's media; an expired story answers from what we captured."""
    client = services.client(account, MANAGE_INSIGHTS)
    key = cache.key("media", account.id, media_id=media_id, metrics=list(metrics or ()))
    cached = await cache.get(services.kv, key)
    if cached is not None:
        return MediaInsightsRead.model_validate({**cached, "source": "cache"})
    async with unit_of_work(services.factory, immediate=False) as session:
        stored = await snapshots.load_media(session, account_id=account.id, media_id=media_id)
    async with services.meta_errors(account, permission=MANAGE_INSIGHTS):
        try:
            media = await _owned_media(client, account, media_id)
            answer = await _live(services.factory, account, client, media, metrics or ())
        except NotFoundError:
            if stored is None or stored.media_product_type != STORY:
                raise
            return _stored(account, media_id, stored, EXPIRED)
    await cache.put(services.kv, key, answer.model_dump(mode="json"), live=True)
    return answer
