"""Why a Facebook Login attempt did not connect an account: a metric label, a message, a help link each."""

from __future__ import annotations

from collections.abc import Sequence

from clipper.errors import ClipperError
from clipper.oauth.permissions import PERMISSION_PURPOSE

HELP_CREATE_PAGE = "https://www.facebook.com/pages/create"
HELP_LINK_PAGE = "https://www.facebook.com/business/help/898752960195806"
HELP_PROFESSIONAL_ACCOUNT = "https://help.instagram.com/502981923235522"
HELP_APP_PERMISSIONS = "https://www.facebook.com/settings?tab=business_tools"


class OAuthFailure(ClipperError):
    """A connection attempt that ended without an account; `reason` labels `oauth_failure_total`."""

    status_code = 400
    reason = "error"
    help_url: str | None = None


class AuthorizationCancelled(OAuthFailure):
    status_code = 200
    reason = "cancelled"
    default_message = "You cancelled the Facebook login: nothing was connected."


class CallbackInvalid(OAuthFailure):
    """The callback came back without a code (or with an error we do not know)."""

    reason = "invalid_callback"
    default_message = "Facebook did not return an authorization code: start again from Connect Instagram."


class InvalidState(OAuthFailure):
    reason = "invalid_state"


class InvalidCode(OAuthFailure):
    reason = "invalid_code"
    default_message = (
        "This Facebook authorization code is not valid (it may have been used already or have expired): "
        "start again from Connect Instagram."
    )


class RedirectUriMismatch(OAuthFailure):
    reason = "redirect_uri_mismatch"
    default_message = (
        "Facebook refused the callback address: BACKEND_URL must match a Valid OAuth Redirect URI of "
        "the Meta app exactly (see docs/instagram-integration.md)."
    )


class MetaUnavailable(OAuthFailure):
    status_code = 503
    reason = "graph_error"


class MissingPermissions(OAuthFailure):
    status_code = 200
    reason = "missing_permission"
    help_url = HELP_APP_PERMISSIONS

    def __init__(self, permissions: Sequence[str]) -> None:
        self.permissions = list(permissions)
        needs = "; ".join(f"'{p}' (to {PERMISSION_PURPOSE.get(p, 'use Instagram')})" for p in permissions)
        super().__init__(
            f"Content Clipper needs {needs}, which you unticked. Click Connect Instagram again and keep "
            "every permission ticked (or allow it in Facebook → Settings → Business integrations)."
        )


class NoPages(OAuthFailure):
    status_code = 200
    reason = "no_pages"
    help_url = HELP_CREATE_PAGE
    default_message = (
        "Your Facebook account does not manage any Facebook Page. Instagram professional accounts are "
        "reached through the Page they are linked to: create a Page (or get a role on one), link your "
        "Instagram account to it, then click Connect Instagram again. If you do manage Pages, select "
        "them in the Facebook dialog."
    )


class NoInstagramAccount(OAuthFailure):
    status_code = 200
    reason = "no_instagram_account"
    help_url = HELP_LINK_PAGE

    def __init__(self, page_names: Sequence[str]) -> None:
        self.page_names = list(page_names)
        pages = ", ".join(f"'{name}'" for name in page_names)
        super().__init__(
            f"None of your Facebook Pages ({pages}) is linked to an Instagram professional account. "
            "Switch your Instagram account to a Business or Creator account (Instagram → Settings → "
            f"Account type and tools; {HELP_PROFESSIONAL_ACCOUNT}), link it to one of these Pages "
            "(Page settings → Linked accounts → Instagram), then click Connect Instagram again."
        )


def unlinked_pages_hint(page_names: Sequence[str]) -> str | None:
    """The note shown next to the accounts found when some Pages have no Instagram account."""
    if not page_names:
        return None
    pages = ", ".join(f"'{name}'" for name in page_names)
    return (
        f"These Pages have no Instagram professional account linked: {pages}. To connect one, switch the "
        "Instagram account to Business or Creator, link it to the Page, and connect again."
    )
