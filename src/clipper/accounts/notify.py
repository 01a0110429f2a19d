"""`account.updated`: recorded for the owner's outgoing webhooks in the unit of work that makes the
change (`record`, the transactional outbox of `clipper.outgoing`: committed with the change or not at
all), and told to the owner's open UIs once it is committed (`account_updated`, best effort), so a UI
that re-reads the account on the event sees it.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.events.hub import EventHub
from clipper.outgoing import outbox

log = structlog.get_logger(__name__)

ACCOUNT_UPDATED = "account.updated"


def _snapshot(account: Account) -> dict[str, Any]:
    # The health columns only: never a token.
    return {
        "id": account.id,
        "is_active": account.is_active,
        "health_status": str(account.health_status),
        "health_reason": account.health_reason,
    }


def webhook_payload(account: Account) -> dict[str, Any]:
    """What an outgoing webhook subscriber learns about the account (never a token)."""
    return _snapshot(account) | {
        "platform": account.platform,
        "platform_account_id": account.platform_account_id,
        "username": account.account_username,
        "login_flavour": str(account.login_flavour),
    }


async def record(session: AsyncSession, account: Account) -> None:
    """Record `account.updated` for the owner's endpoints in the unit of work changing the account."""
    data = webhook_payload(account)
    await outbox.record(session, user_id=account.user_id, event_type=ACCOUNT_UPDATED, data=data)


async def account_updated(hub: EventHub | None, account: Account) -> None:
    """`account.updated` to the account's open UIs, with its health (after the change was committed)."""
    if hub is None:
        return
    try:
        await hub.publish_event(account.user_id, ACCOUNT_UPDATED, _snapshot(account))
    except Exception as exc:  # the UI missing one event must never fail the change it reports
        log.warning("event not published", type=ACCOUNT_UPDATED, error_type=type(exc).__name__)
