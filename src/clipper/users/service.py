"""Sign-up, login and logout; personal API tokens live in `api_tokens`, sessions in `sessions`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from clipper.kv import KeyValueStore
from clipper.security import hash_password, needs_rehash, password_problems, verify_password
from clipper.users import throttle
from clipper.users.api_tokens import revoke_other_api_tokens
from clipper.users.auth import Principal
from clipper.users.models import User
from clipper.users.schemas import LoginRequest, PasswordChange, RegisterRequest
from clipper.users.sessions import IssuedSession, revoke_other_sessions, revoke_session, start_session

log = structlog.get_logger(__name__)

_DUPLICATE_EMAIL = "An account with this email already exists: sign in instead."
_WRONG_CREDENTIALS = "Wrong email or password."


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Where a login comes from: for throttling and for the session's record."""

    ip_address: str
    user_agent: str | None


async def register_user(session: AsyncSession, *, data: RegisterRequest) -> User:
    """Create a user with an argon2-hashed password; a taken email is a Conflict."""
    if await get_user_by_email(session, email=data.email) is not None:
        raise Conflict(_DUPLICATE_EMAIL)
    # argon2 is deliberately slow (~0.1 s): keep it off the event loop.
    password_hash = await asyncio.to_thread(hash_password, data.password)
    user = User(email=data.email, password_hash=password_hash)
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Someone registered the same email between our check and the insert.
        raise Conflict(_DUPLICATE_EMAIL) from None
    log.info("user registered", user_id=user.id)
    return user


async def get_user_by_email(session: AsyncSession, *, email: str) -> User | None:
    """The user with this (normalized) email, if any."""
    return await session.scalar(select(User).where(User.email == email))


async def login(
    session: AsyncSession, *, kv: KeyValueStore, data: LoginRequest, client: ClientInfo
) -> tuple[User, IssuedSession]:
    """Check the password (throttled per email and IP) and open a session."""
    await throttle.check_login_allowed(kv, email=data.email, ip_address=client.ip_address)
    user = await get_user_by_email(session, email=data.email)
    stored_hash = user.password_hash if user is not None else None
    if not await asyncio.to_thread(verify_password, data.password, stored_hash) or user is None:
        await throttle.record_login_failure(kv, email=data.email, ip_address=client.ip_address)
        log.info("login failed", reason="wrong credentials", ip=client.ip_address)
        # The same message whether the email exists or not.
        raise Unauthorized(_WRONG_CREDENTIALS)
    if not user.is_active:
        log.info("login refused", user_id=user.id, reason="account disabled")
        raise Forbidden("This account is disabled: contact the administrator.")
    await throttle.record_login_success(kv, email=data.email)
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, data.password)
    issued = await start_session(
        session, user=user, user_agent=client.user_agent, ip_address=client.ip_address
    )
    log.info("login succeeded", user_id=user.id, session_id=issued.record.id)
    return user, issued


async def logout(session: AsyncSession, *, principal: Principal) -> None:
    """End the session the caller used (an API token stays valid: revoke it explicitly)."""
    if principal.session is not None:
        await revoke_session(session, record=principal.session)
    log.info("logout", user_id=principal.user.id, method=principal.method.value)


async def change_password(
    session: AsyncSession,
    *,
    kv: KeyValueStore,
    principal: Principal,
    data: PasswordChange,
    client: ClientInfo,
) -> None:
    """Replace the password after checking the current one; the user's other sessions and API tokens end."""
    user = principal.user
    # Guessing the current password through this endpoint is throttled like guessing it at login.
    await throttle.check_login_allowed(kv, email=user.email, ip_address=client.ip_address)
    if not await asyncio.to_thread(verify_password, data.current_password, user.password_hash):
        await throttle.record_login_failure(kv, email=user.email, ip_address=client.ip_address)
        raise InvalidInput("current_password is wrong: enter the password you sign in with.")
    problems = password_problems(data.new_password, email=user.email)
    if problems:
        raise InvalidInput("new_password: " + " ".join(problems))
    user.password_hash = await asyncio.to_thread(hash_password, data.new_password)
    ended = await revoke_other_sessions(session, user=user, keep=principal.session)
    # A token minted by whoever knew the old password must not outlive it either.
    tokens = await revoke_other_api_tokens(session, user=user, keep=principal.api_token)
    log.info("password changed", user_id=user.id, other_sessions_ended=ended, api_tokens_revoked=tokens)
