"""Connected accounts, the front door other domains and the router call.

Each job has its module: `store` (the user's accounts, connect), `permissions` (active, granted),
`tokens` (the stored token, a refused one), `graph` (the gateway to Meta on an account's behalf),
`subscriptions` (webhooks), `health` (the token check), `disconnect` (revoke and let go).
Every function is scoped by the user (another user's account is a NotFound) and never commits, unless it
takes the session factory: those call Meta with no transaction open and write in short units of work.
"""

from __future__ import annotations

from clipper.accounts import notify
from clipper.accounts.disconnect import Authorizations, delete_account, disconnect_account
from clipper.accounts.graph import AccountGraph
from clipper.accounts.health import (
    HealthChecked,
    HealthReport,
    check_account_health,
    check_all_accounts,
    health_of,
    instagram_refresh_due,
)
from clipper.accounts.models import Account
from clipper.accounts.permissions import (
    can,
    has_permission,
    is_instagram_login,
    missing_permissions,
    require_active,
    require_permission,
)
from clipper.accounts.store import (
    SUPPORTED_PLATFORMS,
    ConnectedAccount,
    connect_account,
    get_account,
    list_accounts,
)
from clipper.accounts.subscriptions import (
    WEBHOOK_ACCOUNT_FIELDS,
    WEBHOOK_PAGE_FIELDS,
    SubscriptionResult,
    record_subscription,
    save_subscription,
    subscribe_page_webhooks,
    webhook_problem,
)
from clipper.accounts.tokens import (
    page_token,
    refusal_reason,
)
from clipper.errors import ServiceUnavailable
from clipper.instagram import InstagramGraphAPIError
from clipper.users.models import User

__all__ = [
    "SUPPORTED_PLATFORMS",
    "WEBHOOK_ACCOUNT_FIELDS",
    "WEBHOOK_PAGE_FIELDS",
    "AccountGraph",
    "Authorizations",
    "ConnectedAccount",
    "HealthChecked",
    "HealthReport",
    "SubscriptionResult",
    "can",
    "check_account",
    "check_account_health",
    "check_all_accounts",
    "connect_account",
    "delete_account",
    "disconnect_account",
    "get_account",
    "has_permission",
    "health_of",
    "instagram_refresh_due",
    "is_instagram_login",
    "list_accounts",
    "missing_permissions",
    "page_token",
    "record_subscription",
    "refusal_reason",
    "require_active",
    "require_permission",
    "save_subscription",
    "subscribe_page_webhooks",
    "webhook_problem",
]


async def check_account(gateway: AccountGraph, *, user: User, account_id: int) -> Account:
    """Check one of the user's accounts now (committed, then announced); Meta being unreachable is a 503.

    Reads, asks Meta with no transaction open, then writes in a short unit of work.
    """
    async with gateway.factory() as session:  # a read: no unit of work (it would take SQLite's write lock)
        await get_account(session, user=user, account_id=account_id)
    try:
        checked = await check_account_health(gateway, account_id=account_id)
    except InstagramGraphAPIError as exc:
        raise ServiceUnavailable(f"Could not check the account with Meta: {exc.user_message}") from None
    async with gateway.factory() as session:
        # The account as committed (also when the check found nothing to write).
        account = checked.account if checked else await get_account(session, user=user, account_id=account_id)
    await notify.account_updated(gateway.hub, account)
    return account
