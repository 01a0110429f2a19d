"""Stored tokens: the decrypted Page token, and the marks a token Meta refused (190) leaves on its account.

The mark is written in the unit of work of whoever saw the refusal: the gateway (`clipper.accounts.graph`)
writes it in a short unit of work of its own, since Meta is called with no transaction open.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account, AccountHealth
from clipper.accounts.permissions import label, reconnect_from, require_active
from clipper.db import utcnow
from clipper.errors import ReconnectRequired, TokenRevoked
from clipper.instagram import InvalidTokenError
from clipper.observability import TOKEN_EXPIRY_EVENTS
from clipper.security import TokenCipher, TokenDecryptError

log = structlog.get_logger(__name__)


def page_token(account: Account, *, cipher: TokenCipher) -> str:
    """The active account's Page access token, decrypted; ReconnectRequired when there is none usable."""
    require_active(account)
    return stored_token(account, cipher=cipher)


def stored_token(account: Account, *, cipher: TokenCipher) -> str:
    """The account's stored token, decrypted, active or not; ReconnectRequired when there is none usable."""
    if account.page_access_token_enc is None:
        raise ReconnectRequired(
            f"{label(account)} holds no access any more: reconnect it from {reconnect_from(account)}."
        )
    try:
        return cipher.decrypt(account.page_access_token_enc)
    except TokenDecryptError:
        raise ReconnectRequired(
            f"The stored access for {label(account)} can no longer be decrypted (the encryption key "
            f"changed): reconnect it from {reconnect_from(account)}."
        ) from None


def _mark(account: Account, reason: str) -> bool:
    """Set the account's columns for a refused token; True when it was active until now."""
    was_active = account.is_active
    account.is_active = False
    account.health_status = AccountHealth.RECONNECT_REQUIRED
    account.health_reason = reason
    account.last_checked_at = utcnow()
    return was_active


async def mark_token_invalid(session: AsyncSession, *, account: Account, reason: str) -> None:
    """Record that Meta refused the account's token in this unit of work: inactive, `reconnect_required`.

    Counted and logged once.
    """
    note_refused(account, reason)
    await session.flush()


def note_refused(account: Account, reason: str) -> None:
    """Mark the account for a refused token; counted and logged when it was active until now."""
    if _mark(account, reason):
        TOKEN_EXPIRY_EVENTS.inc()
        log.warning(
            "instagram token invalid",
            user_id=account.user_id,
            account_id=account.id,
            reason=reason,
            action="reconnect",
        )


INVALID_REASONS = {
    458: "the app was removed from the Facebook account",
    460: "the Facebook password changed",
    463: "the access token expired",
    467: "the Facebook session ended",
    492: "the Facebook user no longer has a role on the Page",
    493: "the account was not used with this app for 90 days",
}


def invalid_reason(error: dict[str, Any] | None) -> str:
    subcode = (error or {}).get("subcode")
    reason = INVALID_REASONS.get(
        subcode if isinstance(subcode, int) else -1, "Meta reports the access token as invalid"
    )
    return f"Reconnect required: {reason}."


def refusal_reason(error: InvalidTokenError) -> str:
    """The account's health reason for a 190 (by subcode, Meta's own words otherwise)."""
    if isinstance(error.subcode, int) and error.subcode in INVALID_REASONS:
        return invalid_reason({"subcode": error.subcode})
    return f"Reconnect required: {error.user_message}"


async def token_refused(session: AsyncSession, *, account: Account, error: InvalidTokenError) -> TokenRevoked:
    """Mark the account for a 190 from Meta in this unit of work; → the actionable 409 to raise."""
    await mark_token_invalid(session, account=account, reason=refusal_reason(error))
    return TokenRevoked(
        f"Instagram no longer accepts the access of {label(account)} ({error.user_message.rstrip('.')}): "
        f"reconnect it from {reconnect_from(account)}."
    )
