"""Which Facebook Pages (and their Instagram accounts) one Facebook Login can reach, and through what.

`/me/accounts` lists the Pages the person has a role on. Pages a Business Manager owns, or manages for a
client, are often reachable only through the business: `/me/businesses`, then each business's
`owned_pages` and `client_pages` (Graph API reference: Business Owned Pages, Business Client Pages;
Postiz walks the same edges). Those need `business_management`; without it only `/me/accounts` counts.
A Page found both ways is kept once, as found first (its own Page role wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import structlog

from clipper.instagram import InstagramGraphAPI, PermissionDeniedError
from clipper.instagram.accounts import PAGE_FIELDS
from clipper.instagram.schemas import Page

log = structlog.get_logger(__name__)

# `connected_instagram_account` is also set for a personal IG account linked to the Page, which never
# appears as `instagram_business_account`: the one way to tell "not professional" from "not linked".
DISCOVERY_FIELDS = PAGE_FIELDS + ",connected_instagram_account{id,username}"
BUSINESS_MANAGEMENT = "business_management"


class PageSource(StrEnum):
    """How the login reaches a Page (shown in the account selector)."""

    PAGE_ROLE = "page_role"
    BUSINESS_OWNED = "business_owned"
    BUSINESS_CLIENT = "business_client"


_EDGES = (("owned_pages", PageSource.BUSINESS_OWNED), ("client_pages", PageSource.BUSINESS_CLIENT))


@dataclass(frozen=True)
class FoundPage:
    """One Page the login reaches, and through what."""

    page: Page
    source: PageSource
    business_name: str | None = None


async def _business_pages(client: InstagramGraphAPI) -> list[FoundPage]:
    found: list[FoundPage] = []
    for business in await client.get_businesses():
        for edge, source in _EDGES:
            pages = await client.get_business_pages(business.id, edge, DISCOVERY_FIELDS)
            found += [FoundPage(page, source, business.name) for page in pages]
    return found


async def reachable_pages(client: InstagramGraphAPI, *, granted: list[str]) -> list[FoundPage]:
    """The Pages of `/me/accounts`, then those only a Business Manager reaches (each Page once)."""
    own = await client.get_facebook_pages(DISCOVERY_FIELDS)
    found = [FoundPage(page, PageSource.PAGE_ROLE) for page in own]
    if BUSINESS_MANAGEMENT in granted:
        try:
            found += await _business_pages(client)
        except PermissionDeniedError as exc:
            # The person's role in a business may not cover its Pages: those he reaches directly still count.
            log.info("business pages skipped", reason=type(exc).__name__)
    unique: dict[str, FoundPage] = {}
    for item in found:
        unique.setdefault(item.page.id, item)
    return list(unique.values())


def links_a_personal_account(page: Page) -> bool:
    """True when the Page's linked IG account is personal (not usable with the API)."""
    return page.instagram_business_account is None and bool(
        (page.model_extra or {}).get("connected_instagram_account")
    )


def account_entry(found: FoundPage) -> dict[str, Any] | None:
    """The selector's entry for a Page with a professional IG account and a Page token, else None."""
    page = found.page
    ig = page.instagram_business_account
    if ig is None or not page.access_token:
        return None
    return {
        "id": ig.id,
        "username": ig.username,
        "name": ig.name,
        "profile_picture_url": ig.profile_picture_url,
        "followers_count": ig.followers_count,
        "media_count": ig.media_count,
        "facebook_page_id": page.id,
        "facebook_page_name": page.name,
        "page_access_token": page.access_token,
        "source": found.source.value,
        "business_name": found.business_name,
    }
