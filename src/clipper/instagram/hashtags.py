"""Hashtag search (Facebook Login only): a hashtag's id, then its top or recent public media.

Meta: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/hashtag-search
— 30 unique hashtags per account per rolling 7 days; the app needs the "Instagram Public Content Access"
feature and the token `instagram_basic`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from clipper.instagram.errors import PermissionDeniedError, RateLimitError
from clipper.instagram.reading import ReadingMixin, after_cursor
from clipper.instagram.schemas import GraphObject, GraphTime

HashtagEdge = Literal["top_media", "recent_media"]
# What a hashtag edge may return (`username` may not be asked for).
HASHTAG_MEDIA_FIELDS = "id,caption,media_type,media_url,permalink,timestamp,like_count,comments_count"
MAX_HASHTAG_PAGE = 50
UNIQUE_HASHTAGS_PER_WEEK = 30


class HashtagSearchLimitError(RateLimitError):
    """The account has searched 30 unique hashtags within the last 7 days."""

    retryable_default = False
    default_user_message = (
        "Instagram allows 30 different hashtag searches per account per 7 days and this account has used "
        "them: search a hashtag it already searched this week, or wait for the oldest search to expire."
    )


class PublicContentAccessError(PermissionDeniedError):
    """The Meta app lacks the "Instagram Public Content Access" feature hashtag search needs."""

    default_user_message = (
        "Hashtag search needs the Meta app to be approved for the 'Instagram Public Content Access' "
        "feature (App Review): ask whoever runs this Content Clipper to request it."
    )


class HashtagRef(GraphObject):
    """An IG Hashtag: its static, global id and its name (without `#`)."""

    id: str
    name: str | None = None


class HashtagMedia(GraphObject):
    """A public IG Media seen through a hashtag; counts are absent when the owner hides them."""

    id: str
    caption: str | None = None
    media_type: str | None = None
    media_url: str | None = None
    permalink: str | None = None
    timestamp: GraphTime | None = None
    like_count: int | None = None
    comments_count: int | None = None


@asynccontextmanager
async def _hashtag_errors() -> AsyncIterator[None]:
    """Meta's answers for the weekly limit (613, the sandbox's stand-in: Meta does not document it) and a
    missing feature (10) as their own leaves, with what to do."""
    try:
        yield
    except RateLimitError as error:
        if error.code != 613:
            raise
        raise HashtagSearchLimitError(error.message, code=error.code, http_status=error.http_status) from None
    except PermissionDeniedError as error:
        if error.code != 10:
            raise
        raise PublicContentAccessError(
            error.message, code=error.code, http_status=error.http_status
        ) from None


class HashtagsMixin(ReadingMixin):
    """`ig_hashtag_search`, the IG Hashtag node and its `top_media` / `recent_media` edges."""

    async def search_hashtag(self, ig_account_id: str, name: str) -> HashtagRef | None:
        """The hashtag's id (counts against the account's 30 unique hashtags per 7 days); None if unknown."""
        async with _hashtag_errors():
            body = await self._get("ig_hashtag_search", {"user_id": ig_account_id, "q": name})
        found = body.get("data") or []
        return HashtagRef.model_validate({**found[0], "name": name}) if found else None

    async def recently_searched_hashtags(self, ig_account_id: str) -> list[HashtagRef]:
        """The hashtags the account queried within the last 7 days, as Meta counts them (from any app).

        "25 results per page by default, but you can use the limit parameter to get up to 30 per page"
        (reference/ig-user/recently_searched_hashtags): 30 is the weekly limit, so one page holds them all.
        """
        params = {"fields": "id,name", "limit": UNIQUE_HASHTAGS_PER_WEEK}
        async with _hashtag_errors():
            page = await self._get(f"{ig_account_id}/recently_searched_hashtags", params)
        return [HashtagRef.model_validate(raw) for raw in page.get("data", [])[:UNIQUE_HASHTAGS_PER_WEEK]]

    async def get_hashtag(self, hashtag_id: str) -> HashtagRef:
        """The hashtag's id and name."""
        async with _hashtag_errors():
            return HashtagRef.model_validate(await self._get(hashtag_id, {"fields": "id,name"}))

    async def get_hashtag_media(
        self,
        hashtag_id: str,
        ig_account_id: str,
        *,
        edge: HashtagEdge = "top_media",
        limit: int = 25,
        after: str | None = None,
    ) -> tuple[list[HashtagMedia], str | None]:
        """One page of the hashtag's top (or last 24 hours') public media and the next page's cursor."""
        params = {
            "user_id": ig_account_id,
            "fields": HASHTAG_MEDIA_FIELDS,
            "limit": min(limit, MAX_HASHTAG_PAGE),
            "after": after,
        }
        async with _hashtag_errors():
            page = await self._get(f"{hashtag_id}/{edge}", params)
        return [HashtagMedia.model_validate(raw) for raw in page.get("data", [])], after_cursor(page)
