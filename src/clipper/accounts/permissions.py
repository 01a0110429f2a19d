"""The permissions each Meta login flavour grants, the ones Content Clipper asks for and why, and the checks
before a call: the account's access is alive and its login granted the permission the call needs.

The seed listed eleven names drawn from two Meta products: the classic `instagram_*` / `pages_*` names
are Facebook Login's, the `instagram_business_*` names are Instagram Login's ("Business Login for
Instagram"). Meta's Facebook Login dialog refuses a list that mixes them ("Invalid Scopes"), so each
flavour asks for its own valid set and the checks before each feature use the name that flavour grants.
Sources: Permissions Reference (https://developers.facebook.com/docs/permissions), Instagram API with
Instagram Login (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login),
Insights guide (https://developers.facebook.com/docs/instagram-platform/insights) for the per-flavour table.
"""

from __future__ import annotations

from collections.abc import Iterable

from clipper.accounts.models import Account, LoginFlavour
from clipper.errors import PermissionMissing, ReconnectRequired

# Facebook Login for Business: what the features need, in the order the dialog lists them.
FACEBOOK_LOGIN_PERMISSIONS: tuple[str, ...] = (
    "public_profile",
    "pages_show_list",
    "pages_read_engagement",
    # POST /{page-id}/subscribed_apps (webhooks) and the Conversations API (DMs).
    "pages_manage_metadata",
    # /me/businesses → owned_pages / client_pages: Pages reachable only through a Business Manager.
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    # Private replies to a comment go through the Page's Messenger: "instagram_manage_comments and
    # pages_messaging permissions, obtained via Facebook Login"
    # (https://developers.facebook.com/docs/messenger-platform/instagram/features/private-replies).
    "pages_messaging",
)

# What the Facebook Login dialog asks for (plus OAUTH_EXTRA_SCOPES).
REQUESTED_PERMISSIONS: tuple[str, ...] = FACEBOOK_LOGIN_PERMISSIONS

# Instagram Login (Business Login for Instagram, graph.instagram.com): its own names for the same features.
INSTAGRAM_LOGIN_PERMISSIONS: tuple[str, ...] = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
    "instagram_business_manage_messages",
)

# The Instagram Login name of each Facebook Login name the features check. The `pages_*` names have none:
# with Instagram Login there is no Page, and Meta's answer is then the only check.
INSTAGRAM_LOGIN_NAME: dict[str, str] = {
    "instagram_basic": "instagram_business_basic",
    "instagram_content_publish": "instagram_business_content_publish",
    "instagram_manage_comments": "instagram_business_manage_comments",
    "instagram_manage_insights": "instagram_business_manage_insights",
    "instagram_manage_messages": "instagram_business_manage_messages",
}


def requested_for(flavour: str) -> tuple[str, ...]:
    """What a login of this flavour (`facebook` or `instagram`) asks for."""
    return INSTAGRAM_LOGIN_PERMISSIONS if flavour == "instagram" else REQUESTED_PERMISSIONS


def name_for(flavour: str, permission: str) -> str | None:
    """The name under which a login of `flavour` grants the Facebook Login `permission` (None: none)."""
    if flavour != "instagram":
        return permission
    return INSTAGRAM_LOGIN_NAME.get(permission)


# Without these no account can even be found: listing the Pages and reading the IG profile.
REQUIRED_TO_CONNECT: tuple[str, ...] = ("pages_show_list", "instagram_basic")

# The Facebook Login names the features check before calling Meta.
PUBLISH = "instagram_content_publish"
MANAGE_COMMENTS = "instagram_manage_comments"
MANAGE_INSIGHTS = "instagram_manage_insights"
MANAGE_MESSAGES = "instagram_manage_messages"
PRIVATE_REPLIES = "pages_messaging"

# What each permission unlocks, for messages that say why it matters (names as the dialogs show them).
PERMISSION_PURPOSE: dict[str, str] = {
    "public_profile": "identify your Facebook account",
    "pages_show_list": "list the Facebook Pages you manage",
    "pages_read_engagement": "read the Page's engagement (needed with most Instagram calls)",
    "pages_manage_metadata": "receive live updates (webhooks) and read direct messages through the Page",
    "business_management": "find Pages owned through a Business Manager",
    "instagram_basic": "read the Instagram profile and media",
    "instagram_content_publish": "publish posts",
    "instagram_manage_comments": "read and moderate comments",
    "instagram_manage_insights": "read insights",
    "instagram_manage_messages": "read and answer direct messages",
    "pages_messaging": "send a private reply to someone who commented",
    "instagram_business_basic": "read the Instagram profile and media",
    "instagram_business_content_publish": "publish posts",
    "instagram_business_manage_comments": "read and moderate comments",
    "instagram_business_manage_insights": "read insights",
    "instagram_business_manage_messages": "read and answer direct messages",
}


def has_permission(granted: Iterable[str], permission: str) -> bool:
    """True when `granted` holds exactly this name: each login flavour grants its own names."""
    return permission in set(granted)


def missing_permissions(granted: Iterable[str], required: Iterable[str]) -> list[str]:
    """The required permissions that `granted` lacks, in order."""
    granted_set = set(granted)
    return [permission for permission in required if permission not in granted_set]


def label(account: Account) -> str:
    """How messages name the account: its @username, or its id."""
    return f"@{account.account_username}" if account.account_username else f"account {account.id}"


def reconnect_from(account: Account) -> str:
    """Where the Accounts page reconnects the account: the button of the login it was connected with."""
    button = "Connect with Instagram Login" if is_instagram_login(account) else "Connect Instagram"
    return f"Accounts → {button}"


def is_instagram_login(account: Account) -> bool:
    """True for an account connected with Instagram Login (graph.instagram.com, no Page)."""
    return account.login_flavour == LoginFlavour.INSTAGRAM


def require_active(account: Account) -> None:
    """Raise ReconnectRequired when the account's access is gone (disconnected, expired or revoked)."""
    if account.is_active and account.page_access_token_enc:
        return
    reason = f" ({account.health_reason})" if account.health_reason else ""
    raise ReconnectRequired(
        f"Instagram access for {label(account)} is no longer valid{reason}: "
        f"reconnect it from {reconnect_from(account)}."
    )


def can(account: Account, permission: str) -> bool:
    """True when the account's login granted the Facebook Login `permission` under its own name."""
    name = name_for(account.login_flavour or LoginFlavour.FACEBOOK, permission)
    return name is None or has_permission(account.granted_permissions or [], name)


def require_permission(account: Account, permission: str) -> None:
    """Raise PermissionMissing (409, naming it) when the account was connected without the permission."""
    # Checked under the name the account's login grants (an Instagram Login account has its own names).
    if can(account, permission):
        return
    name = name_for(account.login_flavour or LoginFlavour.FACEBOOK, permission) or permission
    # Named as the login dialog shows it, so the person can find the box to tick.
    raise PermissionMissing(
        name,
        f"{label(account)} was connected without the '{name}' permission, which this needs: "
        f"reconnect it from {reconnect_from(account)} and leave that permission ticked.",
    )
