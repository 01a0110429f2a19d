"""Reading an account's figures from Meta: a competitor through Business Discovery, ours from its own
profile and media; and averaging the recent posts' likes and comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.schemas import DiscoveredAccount, Media

# Business Discovery needs these three (its reference, cited in clipper.instagram.discovery); the
# gateway checks the one the feature is named for before calling, Meta checks the rest.
DISCOVERY_PERMISSION = "instagram_manage_insights"
OWN_PERMISSION = "instagram_basic"


@dataclass(frozen=True)
class Reading:
    """What one read of an account gave."""

    followers_count: int | None
    media_count: int | None
    avg_likes: float | None
    avg_comments: float | None
    posts_sampled: int
    ig_user_id: str | None = None
    name: str | None = None
    profile_picture_url: str | None = None


def _average(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def summarize(media: Sequence[Media]) -> tuple[float | None, float | None, int]:
    """Average likes (over posts that show them) and comments (over all) of the posts, and their count."""
    likes = [m.like_count for m in media if m.like_count is not None]
    comments = [m.comments_count for m in media if m.comments_count is not None]
    return _average(likes), _average(comments), len(media)


def from_discovery(found: DiscoveredAccount) -> Reading:
    """The figures of a Business Discovery answer."""
    posts = found.media.data if found.media is not None else []
    avg_likes, avg_comments, sampled = summarize(posts)
    return Reading(
        found.followers_count,
        found.media_count,
        avg_likes,
        avg_comments,
        sampled,
        ig_user_id=found.id,
        name=found.name,
        profile_picture_url=found.profile_picture_url,
    )


async def discover(client: InstagramGraphAPI, account: Account, username: str, *, posts: int) -> Reading:
    """A competitor's figures, read through our account (client from the gateway)."""
    found = await client.discover_business(account.platform_account_id, username, media_limit=posts)
    return from_discovery(found)


async def read_own(client: InstagramGraphAPI, account: Account, *, posts: int) -> Reading:
    """Our account's figures from its profile and its newest posts."""
    ig_id = account.platform_account_id
    profile = await client.get_instagram_account_info(ig_id, fields="id,followers_count,media_count")
    media = await client.get_user_media(
        ig_id, fields="id,like_count,comments_count", limit=posts, max_items=posts
    )
    avg_likes, avg_comments, sampled = summarize(media)
    return Reading(profile.followers_count, profile.media_count, avg_likes, avg_comments, sampled)


async def discover_through(access: AccountGraph, account: Account, username: str, *, posts: int) -> Reading:
    """`discover` through the gateway: checks first, Graph errors as ClipperErrors (no transaction open)."""
    async with access.calling(account, DISCOVERY_PERMISSION) as client:
        return await discover(client, account, username, posts=posts)
