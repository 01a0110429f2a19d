"""Server-side login sessions: opaque tokens stored hashed, sliding expiry, revoked on logout.

The login `access_token` is the session token itself: the browser carries it in the HttpOnly cookie,
the CLI or a script may send it as `Authorization: Bearer`. Either way `logout` ends it for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.errors import NotFound
from clipper.security import hash_token, new_token
from clipper.users.models import User, UserSession

SESSION_TOKEN_PREFIX = "cls_"
# Idle timeout: each use pushes the expiry this far ahead, up to the absolute lifetime.
SESSION_IDLE_TIMEOUT = timedelta(days=14)
SESSION_MAX_LIFETIME = timedelta(days=30)
# Writing `last_used_at` on every request would turn every read into a write.
_TOUCH_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new session with its secrets, which exist only here: the database keeps their hashes."""

    record: UserSession
    token: str
    csrf_token: str


async def start_session(
    session: AsyncSession, *, user: User, user_agent: str | None, ip_address: str | None
) -> IssuedSession:
    """Open a session for the user and return its token and CSRF token."""
    token = SESSION_TOKEN_PREFIX + new_token()
    csrf_token = new_token()
    now = utcnow()
    record = UserSession(
        user_id=user.id,
        token_hash=hash_token(token),
        csrf_token_hash=hash_token(csrf_token),
        user_agent=(user_agent or "")[:255] or None,
        ip_address=(ip_address or "")[:64] or None,
        created_at=now,
        last_used_at=now,
        expires_at=now + SESSION_IDLE_TIMEOUT,
    )
    session.add(record)
    await session.flush()
    return IssuedSession(record=record, token=token, csrf_token=csrf_token)


# Built once: every signed-in request runs it, and building it took longer than running it.
_FIND_SESSION = (
    select(UserSession, User)
    .join(User, User.id == UserSession.user_id)
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.revoked_at.is_(None),
        UserSession.expires_at > bindparam("now"),
    )
)


async def find_session(session: AsyncSession, *, token: str) -> tuple[UserSession, User] | None:
    """Return the live session for this token (extending it) and its owner, or None if unknown, expired or
    revoked."""
    now = utcnow()
    found = await session.execute(_FIND_SESSION, {"token_hash": hash_token(token), "now": now})
    row = found.first()
    if row is None:
        return None
    record, owner = row
    if now - record.last_used_at >= _TOUCH_INTERVAL:
        record.last_used_at = now
        record.expires_at = min(now + SESSION_IDLE_TIMEOUT, record.created_at + SESSION_MAX_LIFETIME)
    return record, owner


async def revoke_session(session: AsyncSession, *, record: UserSession) -> None:
    """End the session now."""
    record.revoked_at = utcnow()
    await session.flush()


async def revoke_other_sessions(session: AsyncSession, *, user: User, keep: UserSession | None) -> int:
    """End every live session of the user but `keep`; return how many."""
    result = await session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
            UserSession.id != (keep.id if keep is not None else -1),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_ended_sessions(session: AsyncSession, *, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete sessions that expired or were revoked more than `older_than` ago; return how many."""
    cutoff = utcnow() - older_than
    result = await session.execute(
        delete(UserSession)
        .where(or_(UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def session_expires_at(record: UserSession) -> datetime:
    """When the session ends at the latest if it keeps being used."""
    return record.created_at + SESSION_MAX_LIFETIME


async def list_live_sessions(session: AsyncSession, *, user: User) -> list[UserSession]:
    """The user's sessions that are neither revoked nor expired, most recently used first."""
    rows = await session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
        .order_by(UserSession.last_used_at.desc(), UserSession.id.desc())
    )
    return list(rows)


async def revoke_session_by_id(session: AsyncSession, *, user: User, session_id: int) -> None:
    """End one of the user's live sessions; someone else's (or an ended one) is NotFound."""
    record = await session.scalar(
        select(UserSession).where(
            UserSession.id == session_id, UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
        )
    )
    if record is None:
        raise NotFound("No such session.")
    await revoke_session(session, record=record)
