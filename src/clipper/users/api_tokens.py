"""Personal API tokens for the CLI and scripts: shown once, stored hashed, listed by prefix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.errors import Conflict, NotFound
from clipper.security import hash_token, new_token
from clipper.users.models import ApiToken, User

log = structlog.get_logger(__name__)

API_TOKEN_PREFIX = "clp_"
# The prefix plus the first random characters: enough to tell tokens apart, useless for guessing.
_SHOWN_PREFIX_LENGTH = len(API_TOKEN_PREFIX) + 8
MAX_TOKENS_PER_USER = 100
_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedApiToken:
    """A new token record and its secret, which is returned once and never stored."""

    record: ApiToken
    token: str


async def create_api_token(
    session: AsyncSession, *, user: User, name: str, expires_in_days: int | None
) -> IssuedApiToken:
    """Create a named token for the user, optionally expiring after some days."""
    count = await session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
    )
    if (count or 0) >= MAX_TOKENS_PER_USER:
        raise Conflict(f"You already have {MAX_TOKENS_PER_USER} API tokens: revoke one you no longer use.")
    token = API_TOKEN_PREFIX + new_token()
    now = utcnow()
    record = ApiToken(
        user_id=user.id,
        name=name,
        prefix=token[:_SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(record)
    await session.flush()
    log.info("api token created", user_id=user.id, api_token_id=record.id)
    return IssuedApiToken(record=record, token=token)


async def list_api_tokens(session: AsyncSession, *, user: User) -> list[ApiToken]:
    """The user's tokens, newest first (expired ones included, so they can be cleaned up)."""
    rows = await session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    )
    return list(rows)


async def revoke_api_token(session: AsyncSession, *, user: User, token_id: int) -> None:
    """Delete one of the user's tokens; someone else's (or a missing) id is NotFound."""
    record = await session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if record is None:
        raise NotFound("No such API token.")
    await session.delete(record)
    await session.flush()
    log.info("api token revoked", user_id=user.id, api_token_id=token_id)


async def find_api_token(session: AsyncSession, *, token: str) -> tuple[ApiToken, User] | None:
    """Return the unexpired token record for this secret (recording its use) and its owner, else None."""
    now = utcnow()
    found = await session.execute(_FIND_TOKEN, {"token_hash": hash_token(token), "now": now})
    row = found.first()
    if row is None:
        return None
    record, owner = row
    if _stale(record.last_used_at, now):
        record.last_used_at = now
    return record, owner


# Built once: every request with a token runs it, and building it took longer than running it.
_FIND_TOKEN = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
    )
)


def _stale(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= _TOUCH_INTERVAL


async def revoke_other_api_tokens(session: AsyncSession, *, user: User, keep: ApiToken | None) -> int:
    """Delete every API token of the user but `keep`; return how many."""
    result = await session.execute(
        delete(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.id != (keep.id if keep is not None else -1))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
