"""Media details on comments (caption, permalink, type, thumbnail): read once per media, batched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_COMMENTS
from clipper.errors import ClipperError
from clipper.inbox.models import InboxComment
from clipper.inbox.store import MediaDetails, media_details_of, set_media
from clipper.instagram import InstagramGraphAPIError
from clipper.instagram.schemas import Media

log = structlog.get_logger(__name__)

DETAIL_FIELDS = "caption,media_type,media_product_type,media_url,thumbnail_url,permalink"
CAPTION_CHARS = 200


def details_of(media: Media) -> MediaDetails:
    """Our view of a Graph media: the caption cut short, a video's cover rather than its file."""
    caption = media.caption
    if caption is not None and len(caption) > CAPTION_CHARS:
        caption = caption[: CAPTION_CHARS - 1].rstrip() + "…"
    return MediaDetails(
        caption=caption,
        # Carousel children have no permalink; "" still marks the media as read.
        permalink=media.permalink or "",
        product_type=media.media_product_type,
        thumbnail_url=media.thumbnail_url or media.media_url,
    )


async def read_media(
    *, account: Account, media_ids: Sequence[str], access: AccountGraph
) -> dict[str, MediaDetails]:
    """Ask Meta for these media's details, one `?ids=` read per 50 (call it with no transaction open).

    Best effort: a Graph error is logged and nothing is read (the comments stay without).
    """
    if not media_ids:
        return {}
    try:
        client = access.client(account, MANAGE_COMMENTS)
        found = await client.get_objects(media_ids, fields=DETAIL_FIELDS)
    except (ClipperError, InstagramGraphAPIError) as exc:
        log.warning("media details not read", account_id=account.id, error_type=type(exc).__name__)
        return {}
    return {key: details_of(Media.model_validate(value.model_dump())) for key, value in found.items()}


@dataclass(frozen=True)
class Lacking:
    """Comments of these media lacking their media's details: what another comment carries, the rest."""

    comments: list[InboxComment]
    known: dict[str, MediaDetails]

    def unknown(self) -> list[str]:
        """The media whose details only Meta can give."""
        return sorted({row.media_id for row in self.comments} - self.known.keys())


async def lacking(session: AsyncSession, *, account_id: int, media_ids: Sequence[str]) -> Lacking:
    """The account's comments of these media that have no media details yet (a read)."""
    if not media_ids:
        return Lacking([], {})
    rows = list(
        await session.scalars(
            select(InboxComment).where(
                InboxComment.account_id == account_id, InboxComment.media_id.in_(list(set(media_ids)))
            )
        )
    )
    known: dict[str, MediaDetails] = {}
    for row in rows:
        if (details := media_details_of(row)) is not None:
            known.setdefault(row.media_id, details)
    return Lacking([row for row in rows if row.media_permalink is None], known)


async def store_media(
    session: AsyncSession, *, account_id: int, media_ids: Sequence[str], read: dict[str, MediaDetails]
) -> int:
    """Give these media's comments that still lack them their details: those another comment of the same
    media carries, else those read from Meta; → how many comments got them."""
    now = await lacking(session, account_id=account_id, media_ids=media_ids)
    filled = 0
    for row in now.comments:
        details = now.known.get(row.media_id) or read.get(row.media_id)
        set_media(row, details)
        filled += details is not None
    await session.flush()
    return filled
