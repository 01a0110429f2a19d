"""Tell the owner's open UIs that an account's health changed (`account.updated`, best effort).

Published only once the change is committed, so a UI that re-reads the account on the event sees it.
"""

from __future__ import annotations

from typing import Any

import structlog

from clipper.accounts.models import Account
from clipper.events.hub import EventHub

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


async def account_updated(hub: EventHub | None, account: Account) -> None:
    """`account.updated` to the account's owner, with its health (after the change was committed)."""
    if hub is None:
        return
    try:
        await hub.publish_event(account.user_id, ACCOUNT_UPDATED, _snapshot(account))
    except Exception as exc:  # the UI missing one event must never fail the change it reports
        log.warning("event not published", type=ACCOUNT_UPDATED, error_type=type(exc).__name__)
