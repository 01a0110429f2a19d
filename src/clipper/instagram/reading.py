"""Reading nodes: cursor pagination, multi-id reads, media and account reads (GRAPH_API.md §1.5-1.7, §4)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

import httpx

from clipper.instagram.core import GraphCore
from clipper.instagram.schemas import GraphObject, InstagramAccount, Media
from clipper.instagram.transport import Params

ModelT = TypeVar("ModelT", bound=GraphObject)

MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,"
    "username,like_count,comments_count,is_comment_enabled"
)
MEDIA_DETAIL_FIELDS = f"{MEDIA_FIELDS},children{{id,media_type,media_url,thumbnail_url}}"
ACCOUNT_FIELDS = (
    "id,username,name,profile_picture_url,followers_count,follows_count,media_count,biography,website"
)
MAX_IDS_PER_CALL = 50
_AUTH_PARAMS = frozenset({"access_token", "appsecret_proof"})


def next_page_params(next_url: str) -> dict[str, str]:
    """The query of a `paging.next` URL without its credentials (we add our own)."""
    return {k: v for k, v in httpx.URL(next_url).params.multi_items() if k not in _AUTH_PARAMS}


def after_cursor(page: dict[str, Any]) -> str | None:
    """The cursor of the page after this one (None on the last page: no `paging.next`)."""
    paging = page.get("paging") or {}
    cursor = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
    return str(cursor) if cursor else None


class ReadingMixin(GraphCore):
    """Generic reads and the media/account reads built on them."""

    async def iterate_pages(self, path: str, params: Params | None = None) -> AsyncIterator[dict[str, Any]]:
        """Yield every page of an edge, following `paging.next` until it is absent (empty pages included)."""
        query: dict[str, Any] = dict(params or {})
        seen: set[tuple[tuple[str, Any], ...]] = set()
        while True:
            page = await self._get(path, query)
            yield page
            paging = page.get("paging") if isinstance(page, dict) else None
            next_url = paging.get("next") if isinstance(paging, dict) else None
            if not next_url:
                return
            query = next_page_params(next_url)
            key = tuple(sorted(query.items()))
            if key in seen:  # a server repeating a cursor would otherwise loop forever
                return
            seen.add(key)

    async def _collect(
        self, path: str, params: Params, model: type[ModelT], max_items: int | None = None
    ) -> list[ModelT]:
        items: list[ModelT] = []
        async for page in self.iterate_pages(path, params):
            for raw in page.get("data", []):
                items.append(model.model_validate(raw))
                if max_items is not None and len(items) >= max_items:
                    return items
        return items

    async def get_object(self, node_id: str, fields: str | None = None) -> GraphObject:
        """Read any node (untyped fields kept as keys)."""
        return GraphObject.model_validate(await self._get(node_id, {"fields": fields}))

    async def get_objects(self, ids: Sequence[str], fields: str | None = None) -> dict[str, GraphObject]:
        """Read several nodes in one call per 50 ids (`?ids=a,b`); keyed by id."""
        found: dict[str, GraphObject] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), MAX_IDS_PER_CALL):
            chunk = unique[start : start + MAX_IDS_PER_CALL]
            body = await self._get("", {"ids": ",".join(chunk), "fields": fields})
            found.update({key: GraphObject.model_validate(value) for key, value in body.items()})
        return found

    async def get_instagram_account_info(
        self, ig_account_id: str, fields: str = ACCOUNT_FIELDS
    ) -> InstagramAccount:
        """The IG professional account's profile."""
        return InstagramAccount.model_validate(await self._get(ig_account_id, {"fields": fields}))

    async def get_user_media(
        self,
        ig_account_id: str,
        *,
        fields: str = MEDIA_FIELDS,
        limit: int = 25,
        since: int | None = None,
        until: int | None = None,
        max_items: int | None = None,
    ) -> list[Media]:
        """The account's media, newest first, across pages (up to `max_items`)."""
        params = {"fields": fields, "limit": limit, "since": since, "until": until}
        return await self._collect(f"{ig_account_id}/media", params, Media, max_items)

    async def get_user_media_page(
        self, ig_account_id: str, *, fields: str = MEDIA_FIELDS, limit: int = 25, after: str | None = None
    ) -> tuple[list[Media], str | None]:
        """One page of the account's media, newest first, and the cursor of the next (None on the last)."""
        params = {"fields": fields, "limit": limit, "after": after}
        page = await self._get(f"{ig_account_id}/media", params)
        return [Media.model_validate(raw) for raw in page.get("data", [])], after_cursor(page)

    async def get_media_details(self, media_id: str, fields: str = MEDIA_DETAIL_FIELDS) -> Media:
        """One media object, with `permalink` and its carousel children."""
        return Media.model_validate(await self._get(media_id, {"fields": fields}))
