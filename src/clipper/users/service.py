"""Users, the front door the router calls: sign-up, login, logout, password, API tokens, sessions.

Tokens are made and found in `api_tokens`, sessions in `sessions`, login throttling in `throttle`; ending
a credential here also closes the live-update streams it opened (`clipper.events`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.db import unit_of_work
from clipper.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from clipper.events import service as events
from clipper.events.hub import EventHub
from clipper.kv import KeyValueStore
from clipper.security import needs_rehash, new_token, password_problems
from clipper.users import api_tokens, sessions, throttle
from clipper.users.api_tokens import IssuedApiToken, list_api_tokens
from clipper.users.auth import AuthMethod, Principal
from clipper.users.hashing import hash_password_bounded, verify_password_bounded
from clipper.users.models import User
from clipper.users.schemas import LoginRequest, PasswordChange, RegisterRequest
from clipper.users.sessions import IssuedSession, list_live_sessions
from clipper.workspaces import service as workspaces

__all__ = [
    "ClientInfo",
    "LoggedIn",
    "change_password",
    "create_api_token",
    "get_user_by_email",
    "list_api_tokens",
    "list_live_sessions",
    "login",
    "logout",
    "register_user",
    "revoke_api_token",
    "revoke_session",
    "sign_up",
]

log = structlog.get_logger(__name__)

_DUPLICATE_EMAIL = "An account with this email already exists: sign in instead."
_WRONG_CREDENTIALS = "Wrong email or password."


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Where a login comes from: for throttling and for the session's record; the browser's device cookie."""

    ip_address: str
    user_agent: str | None
    device_token: str | None = None


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """A login's outcome: the user, their new session, and a device token to give the browser (or None)."""

    user: User
    issued: IssuedSession
    new_device_token: str | None

    @property
    def expires_at(self) -> datetime:
        """When the new session ends at the latest if it keeps being used."""
        return sessions.session_expires_at(self.issued.record)


async def register_user(session: AsyncSession, *, data: RegisterRequest) -> User:
    """Create a user with an argon2-hashed password; a taken email is a Conflict (the admin CLI's path)."""
    if await get_user_by_email(session, email=data.email) is not None:
        raise Conflict(_DUPLICATE_EMAIL)
    user = await _insert(session, data=data, password_hash=await hash_password_bounded(data.password))
    if user is None:
        raise Conflict(_DUPLICATE_EMAIL)
    return user


async def sign_up(
    session: AsyncSession, *, kv: KeyValueStore, data: RegisterRequest, client: ClientInfo
) -> None:
    """Create the account if the email is free; the caller cannot tell whether it was (no enumeration).

    The password is hashed either way, so the answer takes as long whether or not the email exists.
    """
    await throttle.take_registration(kv, ip_address=client.ip_address)
    password_hash = await hash_password_bounded(data.password)
    taken = await get_user_by_email(session, email=data.email) is not None
    if taken or await _insert(session, data=data, password_hash=password_hash) is None:
        log.info("sign-up for a taken email ignored", ip=client.ip_address)


async def _insert(session: AsyncSession, *, data: RegisterRequest, password_hash: str) -> User | None:
    user = User(email=data.email, password_hash=password_hash)
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Someone registered the same email between our check and the insert.
        return None
    await workspaces.create_personal_workspace(session, user=user)
    log.info("user registered", user_id=user.id)
    return user


async def get_user_by_email(session: AsyncSession, *, email: str) -> User | None:
    """The user with this (normalized) email, if any."""
    return await session.scalar(select(User).where(User.email == email))


async def login(
    session: AsyncSession,
    *,
    reader: async_sessionmaker[AsyncSession],
    kv: KeyValueStore,
    data: LoginRequest,
    client: ClientInfo,
) -> LoggedIn:
    """Check the password (throttled, see `throttle`) and open a session.

    The user is read in a short unit of work of its own (`reader`) and the slow hash is checked outside
    any transaction: `session`, which writes the new login session, begins only afterwards, so a burst
    of logins never holds the database while argon2 runs.
    """
    device = await throttle.trusted_device(kv, token=client.device_token, email=data.email)
    scopes = throttle.login_scopes(email=data.email, ip_address=client.ip_address, device=device)
    await throttle.take_attempt(kv, scopes)
    async with unit_of_work(reader, immediate=False) as lookup:
        found = await get_user_by_email(lookup, email=data.email)
    verified = await verify_password_bounded(data.password, found.password_hash if found else None)
    user = await session.get(User, found.id) if verified and found is not None else None
    if user is None:
        log.info("login failed", reason="wrong credentials", ip=client.ip_address)
        # The same message whether the email exists or not.
        raise Unauthorized(_WRONG_CREDENTIALS)
    if not user.is_active:
        log.info("login refused", user_id=user.id, reason="account disabled")
        raise Forbidden("This account is disabled: contact the administrator.")
    await throttle.forget_after_success(kv, scopes)
    new_device = None
    if device is None:
        new_device = new_token()
        await throttle.remember_device(kv, token=new_device, email=data.email)
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password_bounded(data.password)
    issued = await sessions.start_session(
        session, user=user, user_agent=client.user_agent, ip_address=client.ip_address
    )
    log.info("login succeeded", user_id=user.id, session_id=issued.record.id)
    return LoggedIn(user=user, issued=issued, new_device_token=new_device)


async def logout(session: AsyncSession, *, principal: Principal, hub: EventHub) -> None:
    """End the session the caller used and its streams (an API token stays valid: revoke it explicitly)."""
    if principal.session is not None:
        await sessions.revoke_session(session, record=principal.session)
        await events.end_credentials(hub, principal.user.id, session_ids=[principal.session.id])
    log.info("logout", user_id=principal.user.id, method=principal.method.value)


async def change_password(
    session: AsyncSession,
    *,
    kv: KeyValueStore,
    hub: EventHub,
    principal: Principal,
    data: PasswordChange,
    client: ClientInfo,
) -> None:
    """Replace the password after checking the current one; the user's other sessions and API tokens end,
    and so do their streams."""
    user = principal.user
    # Guessing the current password through this endpoint is throttled like guessing it at login.
    scopes = throttle.login_scopes(email=user.email, ip_address=client.ip_address, device=None)
    await throttle.take_attempt(kv, scopes)
    if not await verify_password_bounded(data.current_password, user.password_hash):
        raise InvalidInput("current_password is wrong: enter the password you sign in with.")
    await throttle.forget(kv, scopes[0])
    problems = password_problems(data.new_password, email=user.email)
    if problems:
        raise InvalidInput("new_password: " + " ".join(problems))
    user.password_hash = await hash_password_bounded(data.new_password)
    ended = await sessions.revoke_other_sessions(session, user=user, keep=principal.session)
    # A token minted by whoever knew the old password must not outlive it either.
    tokens = await api_tokens.revoke_other_api_tokens(session, user=user, keep=principal.api_token)
    log.info("password changed", user_id=user.id, other_sessions_ended=ended, api_tokens_revoked=tokens)
    kept = {
        "session_id": principal.session.id if principal.session else None,
        "api_token_id": principal.api_token.id if principal.api_token else None,
    }
    await events.end_credentials(hub, user.id, all_except=kept)


async def create_api_token(
    session: AsyncSession, *, principal: Principal, name: str, expires_in_days: int | None
) -> IssuedApiToken:
    """Create a personal API token for a caller signed in with a session (not with another token)."""
    if principal.method is AuthMethod.API_TOKEN:
        # A leaked token must not be able to mint itself successors that survive its revocation.
        raise Forbidden("An API token cannot create API tokens: sign in with your password to make one.")
    return await api_tokens.create_api_token(
        session, user=principal.user, name=name, expires_in_days=expires_in_days
    )


async def revoke_api_token(session: AsyncSession, *, user: User, token_id: int, hub: EventHub) -> None:
    """Revoke one of the user's API tokens; the streams it opened close."""
    await api_tokens.revoke_api_token(session, user=user, token_id=token_id)
    await events.end_credentials(hub, user.id, api_token_ids=[token_id])


async def revoke_session(session: AsyncSession, *, user: User, session_id: int, hub: EventHub) -> None:
    """Sign one of the user's sessions out (it may be the caller's); the streams it opened close."""
    await sessions.revoke_session_by_id(session, user=user, session_id=session_id)
    await events.end_credentials(hub, user.id, session_ids=[session_id])
