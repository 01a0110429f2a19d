"""Webhooks subscription: the Page (or the Instagram account) must install the app, or Meta sends it no
events (GRAPH_API.md §10.1). Meta is asked with no transaction open; the answer is kept on the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account, LoginFlavour
from clipper.accounts.permissions import is_instagram_login
from clipper.db import unit_of_work, utcnow
from clipper.errors import ReconnectRequired
from clipper.instagram import InstagramGraphAPIError

log = structlog.get_logger(__name__)

# Which Page fields Instagram events need is not documented (GRAPH_API.md §10.1): installing the app on the
# Page is what matters, and clients pass `feed` (comments, mentions, story_insights) and `messages` (DMs).
WEBHOOK_PAGE_FIELDS = ("feed", "messages")


# Instagram Login enables the account itself (`POST graph.instagram.com/me/subscribed_apps`) for the
# Instagram webhook fields (Setup Webhooks Subscriptions,
# https://developers.facebook.com/documentation/instagram-platform/webhooks).
WEBHOOK_ACCOUNT_FIELDS = ("comments", "messages")


WEBHOOK_SUBSCRIPTION_KEY = "webhook_subscription"


def set_webhook_subscription(account: Account, *, subscribed: bool, error: str | None) -> None:
    asked = WEBHOOK_ACCOUNT_FIELDS if is_instagram_login(account) else WEBHOOK_PAGE_FIELDS
    fields = list(asked) if subscribed else []
    record = {"subscribed": subscribed, "fields": fields, "error": error, "at": utcnow().isoformat()}
    # A new dict: the JSON column does not track in-place changes.
    account.meta_info = {**(account.meta_info or {}), WEBHOOK_SUBSCRIPTION_KEY: record}


@dataclass(frozen=True)
class SubscriptionResult:
    """What Meta answered when asked to install the app on the account's Page."""

    subscribed: bool
    error: str | None = None


async def subscribe_page_webhooks(
    gateway: AccountGraph, account: Account, token: str | None = None
) -> SubscriptionResult | None:
    """Install the app on the account's Page for webhooks (None when it names no Page); never raises.

    `token`: one not stored yet (a refreshed one), else the stored one. Changes nothing: call it with no
    transaction open, then keep the answer with `record_subscription`. Without it comments, mentions and
    messages still arrive with the periodic sync, only later.
    """
    page_id = (account.meta_info or {}).get("facebook_page_id")
    if not page_id and not is_instagram_login(account):
        return None
    try:
        client = gateway.bearing(account, token)
        if is_instagram_login(account):
            await client.subscribe_account_webhooks(WEBHOOK_ACCOUNT_FIELDS)
        else:
            await client.subscribe_page_webhooks(str(page_id), WEBHOOK_PAGE_FIELDS)
    except (InstagramGraphAPIError, ReconnectRequired) as exc:
        log.warning(
            "instagram webhooks not subscribed",
            user_id=account.user_id,
            account_id=account.id,
            reason=type(exc).__name__,
        )
        said = exc.user_message if isinstance(exc, InstagramGraphAPIError) else exc.message
        return SubscriptionResult(subscribed=False, error=said)
    return SubscriptionResult(subscribed=True)


def record_subscription(account: Account, result: SubscriptionResult) -> None:
    """Keep what `subscribe_page_webhooks` answered on the account (shown as its `webhook_problem`)."""
    set_webhook_subscription(account, subscribed=result.subscribed, error=result.error)


async def save_subscription(
    factory: async_sessionmaker[AsyncSession],
    *,
    account_id: int,
    page_token_enc: str | None,
    result: SubscriptionResult,
) -> Account | None:
    """Record a subscription answer in a short unit of work; None when the account is gone or reconnected."""
    async with unit_of_work(factory) as session:
        account = await session.get(Account, account_id)
        if account is None or account.page_access_token_enc != page_token_enc:
            return None
        record_subscription(account, result)
        await session.flush()
    return account


def webhook_problem(meta_info: dict[str, Any] | None, flavour: str = LoginFlavour.FACEBOOK) -> str | None:
    """What to do when the Page (Facebook Login) or the account itself (Instagram Login) could not be
    subscribed to webhooks (None when it was, or never tried)."""
    record = (meta_info or {}).get(WEBHOOK_SUBSCRIPTION_KEY)
    if not isinstance(record, dict) or record.get("subscribed", True) or record.get("error") is None:
        return None
    because = f" ({record['error']})" if record.get("error") else ""
    if flavour == LoginFlavour.INSTAGRAM:
        return (
            f"Meta did not enable live updates for this Instagram account{because}: new comments and "
            "messages only show up with the periodic sync. Reconnect it from Accounts → Connect with "
            "Instagram Login (the next health check also retries)."
        )
    page = (meta_info or {}).get("facebook_page_name") or "its Facebook Page"
    return (
        f"Meta did not subscribe {page} to live updates{because}: new comments, mentions and messages "
        "only show up with the periodic sync. Check that your Facebook user has full control of the Page, "
        "then reconnect from Accounts → Connect Instagram (the next health check also retries)."
    )


async def unsubscribe_page_webhooks(gateway: AccountGraph, account: Account) -> bool:
    """Remove the app from the Page (best effort); True when Meta did."""
    page_id = (account.meta_info or {}).get("facebook_page_id")
    if not (page_id or is_instagram_login(account)) or not account.page_access_token_enc:
        return False
    try:
        client = gateway.bearing(account)
        if is_instagram_login(account):
            await client.unsubscribe_account_webhooks()
        else:
            await client.unsubscribe_page_webhooks(str(page_id))
    except (InstagramGraphAPIError, ReconnectRequired) as exc:
        log.info("instagram webhooks unsubscribe skipped", account_id=account.id, reason=type(exc).__name__)
        return False
    return True
