"""The Facebook Login permissions Content Clipper asks for, and the ones it cannot work without."""

from __future__ import annotations

# The seed's eleven, in its order.
REQUESTED_PERMISSIONS: tuple[str, ...] = (
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

# Without these no account can even be found: listing the Pages and reading the IG profile.
REQUIRED_TO_CONNECT: tuple[str, ...] = ("pages_show_list", "instagram_basic")

# What each permission unlocks, for messages that say why it matters.
PERMISSION_PURPOSE: dict[str, str] = {
    "public_profile": "identify your Facebook account",
    "pages_show_list": "list the Facebook Pages you manage",
    "instagram_basic": "read the Instagram profile and media",
    "instagram_business_basic": "read the Instagram profile and media",
    "instagram_business_content_publish": "publish posts",
    "instagram_content_publish": "publish posts",
    "instagram_manage_comments": "read and moderate comments",
    "instagram_manage_messages": "read and answer direct messages",
    "instagram_business_manage_messages": "read and answer direct messages",
    "instagram_business_manage_insights": "read insights",
    "instagram_manage_insights": "read insights",
    "pages_read_engagement": "read the Page's engagement (needed with most Instagram calls)",
    "business_management": "find Pages owned through a Business Manager",
}
