"""The permissions the sandbox knows, and the one equivalence table the permission check uses.

GRAPH_API.md's Facebook-Login endpoints check the classic names (`instagram_content_publish` …) while
the product requests the `instagram_business_*` names. A granted name satisfies a required one when it
is the same name or listed for it in `EQUIVALENTS`.
"""

from __future__ import annotations

from collections.abc import Iterable

PRODUCT_PERMISSIONS: tuple[str, ...] = (
    "public_profile",
    "pages_show_list",
    "instagram_basic",
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_manage_comments",
    "instagram_manage_messages",
    "instagram_business_manage_messages",
    "instagram_business_manage_insights",
    "pages_read_engagement",
    "business_management",
)

# required permission -> other granted names that satisfy it
EQUIVALENTS: dict[str, frozenset[str]] = {
    "instagram_basic": frozenset({"instagram_business_basic"}),
    "instagram_content_publish": frozenset({"instagram_business_content_publish"}),
    "instagram_manage_insights": frozenset({"instagram_business_manage_insights"}),
    "instagram_manage_messages": frozenset({"instagram_business_manage_messages"}),
    "instagram_manage_comments": frozenset({"instagram_business_manage_comments"}),
    "instagram_business_basic": frozenset({"instagram_basic"}),
    "instagram_business_content_publish": frozenset({"instagram_content_publish"}),
    "instagram_business_manage_insights": frozenset({"instagram_manage_insights"}),
    "instagram_business_manage_messages": frozenset({"instagram_manage_messages"}),
    "instagram_business_manage_comments": frozenset({"instagram_manage_comments"}),
}

KNOWN_PERMISSIONS: frozenset[str] = frozenset(PRODUCT_PERMISSIONS) | frozenset(
    {
        "email",
        "instagram_content_publish",
        "instagram_manage_insights",
        "instagram_business_manage_comments",
        "pages_manage_metadata",
        "pages_messaging",
        "pages_manage_posts",
        "pages_read_user_content",
        "pages_manage_engagement",
        "read_insights",
        "ads_management",
        "ads_read",
        "instagram_shopping_tag_products",
        "catalog_management",
        "instagram_branded_content_brand",
        "instagram_branded_content_creator",
        "instagram_branded_content_ads_brand",
    }
)


def satisfies(granted: Iterable[str], required: str) -> bool:
    """True when the granted scopes include `required` or an equivalent of it."""
    granted_set = set(granted)
    return required in granted_set or bool(EQUIVALENTS.get(required, frozenset()) & granted_set)


def first_missing(granted: Iterable[str], required: Iterable[str]) -> str | None:
    """The first required permission that the granted scopes do not satisfy, if any."""
    granted_list = list(granted)
    return next((perm for perm in required if not satisfies(granted_list, perm)), None)
