"""Story insights captured while Meta still serves them: a periodic sweep and the `story_insights` webhook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.insights import snapshots
from clipper.insights.catalogue import MEDIA_CATALOGUE, STORY, STORY_NAVIGATION_PARTS, STORY_WEBHOOK_NAMES
from clipper.insights.media import not_enough_viewers, read_metrics
from clipper.instagram import InstagramGraphAPI, InstagramGraphAPIError
from clipper.instagram.schemas import Media

log = structlog.get_logger(__name__)
STORY_FIELDS = "id,media_product_type,timestamp,permalink"


def webhook_values(values: dict[str, Any]) -> dict[str, Any]:
    """Today's metric names for a `story_insights` payload (legacy names; -1 means "fewer than 5")."""

    def number(name: str) -> int | None:
        raw = values.get(name)
        return int(raw) if isinstance(raw, int | float) and raw >= 0 else None

    mapped: dict[str, Any] = {new: number(old) for old, new in STORY_WEBHOOK_NAMES.items() if old in values}
    parts = {name: number(name) for name in STORY_NAVIGATION_PARTS if name in values}
    if parts:
        mapped["navigation"] = sum(v for v in parts.values() if v is not None)
        mapped["navigation_breakdown"] = parts
    return mapped


async def record_story_insights(
    session: AsyncSession, *, account: Account, media_id: str, values: dict[str, Any]
) -> None:
    """Store the final numbers of a story from Meta's `story_insights` webhook (kept after 24 h)."""
    existing = await snapshots.load_media(session, account_id=account.id, media_id=media_id)
    merged = {**(existing.metrics if existing else {}), **webhook_values(values)}
    await snapshots.store_media(
        session, account_id=account.id, media_id=media_id, product=STORY, values=merged, source="webhook"
    )
    log.info("story insights recorded", account_id=account.id, media_id=media_id, source="webhook")


@dataclass(frozen=True)
class StoryNumbers:
    """A live story's numbers as Meta answered them, to store."""

    story: Media
    values: dict[str, Any]


async def read_live_stories(client: InstagramGraphAPI, ig_id: str) -> tuple[int, list[StoryNumbers]]:
    """How many stories are live, and the numbers of those Meta shows numbers for (Graph calls only)."""
    stories = [
        Media.model_validate(item)
        async for page in client.iterate_pages(f"{ig_id}/stories", {"fields": STORY_FIELDS})
        for item in page.get("data", [])
    ]
    found = []
    for story in stories:
        try:
            values, _ = await read_metrics(client, story.id, MEDIA_CATALOGUE[STORY])
        except InstagramGraphAPIError as error:
            if not_enough_viewers(error):
                continue
            raise
        found.append(StoryNumbers(story, values))
    return len(stories), found


async def store_stories(session: AsyncSession, *, account_id: int, numbers: list[StoryNumbers]) -> None:
    """Store the numbers read by `read_live_stories`."""
    for item in numbers:
        await snapshots.store_media(
            session,
            account_id=account_id,
            media_id=item.story.id,
            product=STORY,
            values=item.values,
            source="graph",
            posted_at=item.story.timestamp,
            permalink=item.story.permalink,
        )
