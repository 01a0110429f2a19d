"""Why a login attempt did not connect an account: a metric label, a message, a help link each.

The messages name the login the user went through: `{login}` is "Facebook" or "Instagram" and
`{connect}` the button that starts it again ("Connect Instagram" or "Connect with Instagram Login").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clipper.accounts.models import Account, LoginFlavour
from clipper.accounts.permissions import PERMISSION_PURPOSE
from clipper.errors import ClipperError

PLATFORM = "instagram"
HELP_CREATE_PAGE = "https://www.facebook.com/pages/create"
HELP_LINK_PAGE = "https://www.facebook.com/business/help/898752960195806"
HELP_PROFESSIONAL_ACCOUNT = "https://help.instagram.com/502981923235522"
HELP_APP_PERMISSIONS = "https://www.facebook.com/settings?tab=business_tools"
# Meta's help page on the permissions an app was given through Facebook Login, and changing them.
HELP_LOGIN_PERMISSIONS = "https://www.facebook.com/help/218345114850283"


def login_name(flavour: str) -> str:
    """The service whose dialog the user went through: "Facebook" or "Instagram"."""
    return "Instagram" if flavour == LoginFlavour.INSTAGRAM else "Facebook"


def connect_button(flavour: str) -> str:
    """The Accounts page button that starts a login of `flavour` again."""
    return "Connect with Instagram Login" if flavour == LoginFlavour.INSTAGRAM else "Connect Instagram"


def for_login(template: str, flavour: str) -> str:
    """`template` with `{login}` and `{connect}` filled in for `flavour`."""
    return template.format(login=login_name(flavour), connect=connect_button(flavour))


class OAuthFailure(ClipperError):
    """A connection attempt that ended without an account; `reason` labels `oauth_failure_total`."""

    status_code = 400
    reason = "error"
    help_url: str | None = None

    def __init__(
        self,
        message: str | None = None,
        status_code: int | None = None,
        *,
        flavour: str = LoginFlavour.FACEBOOK,
    ) -> None:
        self.flavour = flavour
        super().__init__(message or for_login(self.default_message, flavour), status_code)


class AuthorizationCancelled(OAuthFailure):
    status_code = 200
    reason = "cancelled"
    default_message = "You cancelled the {login} login: nothing was connected."


class CallbackInvalid(OAuthFailure):
    """The callback came back without a code (or with an error we do not know)."""

    reason = "invalid_callback"
    default_message = "{login} did not return an authorization code: start again from {connect}."


class InvalidState(OAuthFailure):
    reason = "invalid_state"


class InvalidCode(OAuthFailure):
    reason = "invalid_code"
    default_message = (
        "This {login} authorization code is not valid (it may have been used already or have expired): "
        "start again from {connect}."
    )


class RedirectUriMismatch(OAuthFailure):
    reason = "redirect_uri_mismatch"
    default_message = (
        "Facebook refused the callback address: BACKEND_URL must match a Valid OAuth Redirect URI of "
        "the Meta app exactly (see docs/instagram-integration.md)."
    )

    def __init__(self, *, flavour: str = LoginFlavour.FACEBOOK) -> None:
        if flavour != LoginFlavour.INSTAGRAM:
            super().__init__(flavour=flavour)
            return
        super().__init__(
            "Instagram refused the callback address: BACKEND_URL must match an OAuth redirect URI of the "
            "app's Instagram business login settings exactly (see docs/instagram-integration.md).",
            flavour=flavour,
        )


class MetaUnavailable(OAuthFailure):
    status_code = 503
    reason = "graph_error"


class MissingPermissions(OAuthFailure):
    status_code = 200
    reason = "missing_permission"
    help_url: str | None = HELP_APP_PERMISSIONS

    def __init__(self, permissions: Sequence[str], *, flavour: str = LoginFlavour.FACEBOOK) -> None:
        self.permissions = list(permissions)
        needs = "; ".join(f"'{p}' (to {PERMISSION_PURPOSE.get(p, 'use Instagram')})" for p in permissions)
        where = (
            ""
            if flavour == LoginFlavour.INSTAGRAM
            else " (or allow it in Facebook → Settings → Business integrations)"
        )
        super().__init__(
            f"Content Clipper needs {needs}, which you unticked. Click {connect_button(flavour)} again and "
            f"keep every permission ticked{where}.",
            flavour=flavour,
        )
        if flavour == LoginFlavour.INSTAGRAM:
            # HELP_APP_PERMISSIONS is a Facebook settings page: it says nothing about an Instagram login.
            self.help_url = None


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


class NotProfessionalAccount(OAuthFailure):
    """Pages are linked to Instagram accounts, but none of those is a Business or Creator account.

    Meta shows a linked personal account only as the Page's `connected_instagram_account`;
    `instagram_business_account` stays absent, and the API cannot publish to or read it.
    """

    status_code = 200
    reason = "not_professional"
    help_url = HELP_PROFESSIONAL_ACCOUNT

    def __init__(self, page_names: Sequence[str]) -> None:
        self.page_names = list(page_names)
        pages = ", ".join(f"'{name}'" for name in page_names)
        super().__init__(
            f"The Instagram account linked to {pages} is a personal account, and Content Clipper can only "
            "work with professional accounts. In Instagram open Settings → Account type and tools → "
            "Switch to professional account, choose Business or Creator (it is free and keeps your "
            "posts), then click Connect Instagram again."
        )


def missing_permissions_hint(permissions: Sequence[str], flavour: str = LoginFlavour.FACEBOOK) -> str | None:
    """What will not work because these optional permissions were unticked, and how to fix it."""
    if not permissions:
        return None
    named = "; ".join(f"'{p}' (to {PERMISSION_PURPOSE.get(p, 'use Instagram')})" for p in permissions)
    return (
        f"Connected without {named}. Everything else works; these features will say a permission is "
        f"missing until you click {connect_button(flavour)} again and leave every permission ticked in the "
        f"{login_name(flavour)} dialog."
    )


def login_permissions_help(permissions: Sequence[str], flavour: str = LoginFlavour.FACEBOOK) -> str | None:
    """Meta's help page on a login's permissions when some are missing (it is about Facebook's only)."""
    return HELP_LOGIN_PERMISSIONS if permissions and flavour != LoginFlavour.INSTAGRAM else None


def unlinked_pages_hint(page_names: Sequence[str]) -> str | None:
    """The note shown next to the accounts found when some Pages have no Instagram account."""
    if not page_names:
        return None
    pages = ", ".join(f"'{name}'" for name in page_names)
    return (
        f"These Pages have no Instagram professional account linked: {pages}. To connect one, switch the "
        "Instagram account to Business or Creator, link it to the Page, and connect again."
    )


@dataclass
class CallbackResult:
    """What the callback tells the opener (or the accounts page) about one authorization."""

    status: str  # success | cancelled | error
    platform: str = PLATFORM
    accounts_available: int = 0
    error: str | None = None
    reason: str | None = None
    help_url: str | None = None
    account_id: int | None = None
    http_status: int = 200
    flow: str = "popup"
    hint: str | None = None
    # Optional permissions left unticked: the account connects, the features needing them answer 409.
    missing_permissions: list[str] = field(default_factory=list)
    permissions_hint: str | None = None
    # The account connected (committed), to announce; never part of the message.
    account: Account | None = field(default=None, repr=False)

    def message(self) -> dict[str, Any]:
        """The `postMessage` payload (also the query of the no-opener redirect)."""
        return {
            "type": "oauth-result",
            "status": self.status,
            "platform": self.platform,
            "accounts_available": self.accounts_available,
            "error": self.error,
            "reason": self.reason,
            "help_url": self.help_url,
            "account_id": self.account_id,
            "hint": self.hint,
            "missing_permissions": self.missing_permissions,
            "permissions_hint": self.permissions_hint,
        }
