"""Stored tokens: the decrypted Page token, and what happens when Meta refuses one (190).

A refused token is a fact about Meta, not part of the unit of work that found it: see
`clipper.accounts.graph`, which records it in a short unit of work of its own. Inside a unit of work that
may roll back, `token_refused` returns a `TokenRefused` (a ReconnectRequired) carrying the
invalidation, and whoever owns the unit of work wraps it in `invalidations_kept(factory)`, which records
it again *after* the failed one ended (never beside it: SQLite has one writer, and tests' savepoints nest).
That carrier is left for the insights endpoints, which still call Meta inside their request's unit of work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.models import Account, AccountHealth
from clipper.accounts.permissions import label, reconnect_from, require_active
from clipper.db import unit_of_work, utcnow
from clipper.errors import ReconnectRequired
from clipper.instagram import InvalidTokenError
from clipper.observability import TOKEN_EXPIRY_EVENTS
from clipper.security import TokenCipher, TokenDecryptError

log = structlog.get_logger(__name__)


def page_token(account: Account, *, cipher: TokenCipher) -> str:
    """The account's Page access token, decrypted; ReconnectRequired when there is none usable."""
    require_active(account)
    assert account.page_access_token_enc is not None
    try:
        return cipher.decrypt(account.page_access_token_enc)
    except TokenDecryptError:
        raise ReconnectRequired(
            f"The stored access for {label(account)} can no longer be decrypted (the encryption key "
            f"changed): reconnect it from {reconnect_from(account)}."
        ) from None


@dataclass(frozen=True)
class TokenInvalidation:
    """Meta refused this account's token: enough to record it after the unit of work that saw it ended."""

    account_id: int
    reason: str
    # The token Meta refused: when the account was reconnected since, the new token is not touched.
    page_token_enc: str | None


class TokenRefused(ReconnectRequired):
    """ReconnectRequired (409, same name in the body) raised where Meta refused the token."""

    def __init__(self, message: str, *, invalidation: TokenInvalidation) -> None:
        self.invalidation = invalidation
        super().__init__(message)

    @property
    def error(self) -> str:
        return ReconnectRequired.__name__


def _mark(account: Account, reason: str) -> bool:
    """Set the account's columns for a refused token; True when it was active until now."""
    was_active = account.is_active
    account.is_active = False
    account.health_status = AccountHealth.RECONNECT_REQUIRED
    account.health_reason = reason
    account.last_checked_at = utcnow()
    return was_active


async def mark_token_invalid(session: AsyncSession, *, account: Account, reason: str) -> TokenInvalidation:
    """Record that Meta refused the account's token in this unit of work: inactive, `reconnect_required`.

    Counted and logged once. When the unit of work may roll back, raise `TokenRefused` with the returned
    invalidation inside `invalidations_kept` (see `token_refused`) so that the mark outlives it.
    """
    invalidation = note_refused(account, reason)
    await session.flush()
    return invalidation


def note_refused(account: Account, reason: str) -> TokenInvalidation:
    """Mark the account for a refused token; counted and logged when it was active until now."""
    invalidation = TokenInvalidation(account.id, reason, account.page_access_token_enc)
    if _mark(account, reason):
        TOKEN_EXPIRY_EVENTS.inc()
        log.warning(
            "instagram token invalid",
            user_id=account.user_id,
            account_id=account.id,
            reason=reason,
            action="reconnect",
        )
    return invalidation


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


async def token_refused(session: AsyncSession, *, account: Account, error: InvalidTokenError) -> TokenRefused:
    """Mark the account for a 190 from Meta and return the actionable 409 to raise (see the module doc)."""
    invalidation = await mark_token_invalid(session, account=account, reason=refusal_reason(error))
    return TokenRefused(
        f"Instagram no longer accepts the access of {label(account)} ({error.user_message.rstrip('.')}): "
        f"reconnect it from {reconnect_from(account)}.",
        invalidation=invalidation,
    )


async def record_token_invalid(
    factory: async_sessionmaker[AsyncSession], *, invalidation: TokenInvalidation
) -> bool:
    """Record an invalidation in its own short unit of work; False when the account is gone or reconnected."""
    return await _record_token_invalid(factory, invalidation) is not None


async def _record_token_invalid(
    factory: async_sessionmaker[AsyncSession], invalidation: TokenInvalidation
) -> Account | None:
    """The marked account once committed; None when it is gone or was reconnected since."""
    async with unit_of_work(factory) as session:
        account = await session.get(Account, invalidation.account_id)
        if account is None or account.page_access_token_enc != invalidation.page_token_enc:
            return None
        # Counted and logged by `mark_token_invalid` already, in the unit of work that rolled back.
        _mark(account, invalidation.reason)
        await session.flush()
    return account


async def keep_invalidation(
    factory: async_sessionmaker[AsyncSession], refused: TokenRefused
) -> Account | None:
    """`record_token_invalid` for a TokenRefused that ended its unit of work (a failure is only logged).

    Returns the account once its mark is committed (to announce it), None when nothing was recorded.
    """
    try:
        return await _record_token_invalid(factory, refused.invalidation)
    except Exception as exc:  # the 409 must still reach the caller; the next Graph call marks it again
        log.error("token invalidation not recorded", account_id=refused.invalidation.account_id, exc_info=exc)
        return None


@asynccontextmanager
async def invalidations_kept(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """Wrap a unit of work: a `TokenRefused` escaping it is recorded in a fresh one, then re-raised.

    Enter it *outside* the unit of work (`async with invalidations_kept(f): async with unit_of_work(f)`),
    so that the failed transaction has rolled back and released its locks first.
    """
    try:
        yield
    except TokenRefused as refused:
        await keep_invalidation(factory, refused)
        raise
