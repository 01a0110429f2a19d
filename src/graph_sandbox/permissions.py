"""The two Meta login flavours and the permission names each one grants.

Meta's two Instagram products have separate permission names, and a grant under one name never satisfies
an endpoint that requires the other:
- Facebook Login (for Business), host graph.facebook.com: the classic `instagram_*` and `pages_*` names
  (Permissions Reference, https://developers.facebook.com/docs/permissions).
- Instagram Login (Business Login for Instagram), host graph.instagram.com: `instagram_business_*`
  (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login; the
  per-flavour table in https://developers.facebook.com/docs/instagram-platform/insights). The older
  `business_*` values stopped working on 2025-01-27.
A permission check is an exact name match: there is no equivalence between the families.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class LoginFlavour(StrEnum):
    """How a token was obtained: which dialog, which host, which permission names."""

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"


# What Content Clipper's Facebook Login dialog asks for: a full grant of the product's features.
PRODUCT_PERMISSIONS: tuple[str, ...] = (
    "public_profile",
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "pages_messaging",
)

# Instagram Login's scopes (the five the Instagram Login docs name).
INSTAGRAM_LOGIN_PERMISSIONS: tuple[str, ...] = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
    "instagram_business_manage_messages",
)

# Every name the Facebook Login dialog accepts here, taken from the Permissions Reference (it lists many
# more; these are the ones an Instagram tool may ask for), never derived from what the product asks for.
# Anything else gets the dialog's "Invalid Scopes" page.
FACEBOOK_LOGIN_PERMISSIONS: frozenset[str] = frozenset(
    {
        "public_profile",
        "email",
        "pages_show_list",
        "pages_read_engagement",
        "pages_manage_metadata",
        "pages_messaging",
        "business_management",
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_comments",
        "instagram_manage_insights",
        "instagram_manage_messages",
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

VALID_PERMISSIONS: dict[LoginFlavour, frozenset[str]] = {
    LoginFlavour.FACEBOOK: FACEBOOK_LOGIN_PERMISSIONS,
    LoginFlavour.INSTAGRAM: frozenset(INSTAGRAM_LOGIN_PERMISSIONS),
}


def invalid_scopes(flavour: LoginFlavour, scopes: Iterable[str]) -> list[str]:
    """The requested names that `flavour`'s dialog does not grant, in order."""
    valid = VALID_PERMISSIONS[flavour]
    return [scope for scope in scopes if scope not in valid]


# On graph.instagram.com an endpoint's Facebook Login requirement is met by its Instagram Login name; the
# Page permissions have no counterpart because no Page is involved. Per endpoint, Meta's pages list the two
# columns side by side: e.g. comments needs instagram_business_basic + instagram_business_manage_comments
# vs instagram_basic + instagram_manage_comments + pages_* (Instagram webhook fields and permissions,
# https://developers.facebook.com/documentation/instagram-platform/webhooks/fields), and the
# Conversations API asks for instagram_business_basic + instagram_business_manage_messages
# (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/conversations-api).
INSTAGRAM_LOGIN_NAME: dict[str, str | None] = {
    "instagram_basic": "instagram_business_basic",
    "instagram_content_publish": "instagram_business_content_publish",
    "instagram_manage_comments": "instagram_business_manage_comments",
    "instagram_manage_insights": "instagram_business_manage_insights",
    "instagram_manage_messages": "instagram_business_manage_messages",
    "pages_show_list": None,
    "pages_read_engagement": None,
    "pages_manage_metadata": None,
    "pages_messaging": None,
    "business_management": None,
}


def required_on(flavour: LoginFlavour, required: Iterable[str]) -> tuple[str, ...]:
    """An endpoint's requirement (written in Facebook Login names) as `flavour`'s host states it."""
    if flavour is LoginFlavour.FACEBOOK:
        return tuple(required)
    names = (INSTAGRAM_LOGIN_NAME.get(perm, perm) for perm in required)
    return tuple(name for name in names if name is not None)


def first_missing(granted: Iterable[str], required: Iterable[str]) -> str | None:
    """The first required permission that the granted scopes lack, if any."""
    granted_set = set(granted)
    return next((perm for perm in required if perm not in granted_set), None)
