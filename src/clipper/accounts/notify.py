"""Tell the owner's open UIs that an account's health changed (`account.updated`, best effort), and
record it for the owner's outgoing webhooks.

Published only once the change is committed, so a UI that re-reads the account on the event sees it; the
webhook event is recorded right after that commit, in a unit of work of its own (`clipper.outgoing`).
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.models import Account
from clipper.db import unit_of_work
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


async def _record(factory: async_sessionmaker[AsyncSession], account: Account) -> None:
    try:
        async with unit_of_work(factory) as session:
            data = webhook_payload(account)
            await outbox.record(session, user_id=account.user_id, event_type=ACCOUNT_UPDATED, data=data)
    except Exception as exc:  # the change is committed: the caller must still learn it succeeded
        log.error("webhook event not recorded", type=ACCOUNT_UPDATED, error_type=type(exc).__name__)


async def account_updated(
    hub: EventHub | None, account: Account, *, factory: async_sessionmaker[AsyncSession]
) -> None:
    """`account.updated` to the account's owner, with its health (after the change was committed)."""
    await _record(factory, account)
    if hub is None:
        return
    try:
        await hub.publish_event(account.user_id, ACCOUNT_UPDATED, _snapshot(account))
    except Exception as exc:  # the UI missing one event must never fail the change it reports
        log.warning("event not published", type=ACCOUNT_UPDATED, error_type=type(exc).__name__)
