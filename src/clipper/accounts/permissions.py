"""What an account may do: its access is alive, and its login granted the permission a call needs.

Each login flavour grants its own permission names (`clipper.oauth.permissions.name_for`): a check is
made under the name the account's login grants.
"""

from __future__ import annotations

from collections.abc import Iterable

from clipper.accounts.models import Account, LoginFlavour
from clipper.errors import PermissionMissing, ReconnectRequired
from clipper.oauth.permissions import name_for


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
