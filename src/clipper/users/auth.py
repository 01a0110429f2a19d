"""Who is calling: a bearer token (session or personal API token) or the session cookie plus CSRF header.

Precedence: an `Authorization: Bearer` header decides alone (a wrong one is 401 even if a cookie is
present) and needs no CSRF header, since a browser never attaches it by itself. Without it the session
cookie is used, and unsafe methods must repeat the `csrf_token` cookie in `X-CSRF-Token` (double submit,
also bound to the session: the header must be the CSRF token issued with that very session).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.errors import Forbidden, Unauthorized
from clipper.security import hash_token, tokens_equal
from clipper.users.api_tokens import API_TOKEN_PREFIX, find_api_token
from clipper.users.models import ApiToken, User, UserSession
from clipper.users.sessions import find_session

SESSION_COOKIE = "clipper_session"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_MAX_TOKEN_LENGTH = 512


class SignInRequired(Unauthorized):
    """401 with `WWW-Authenticate: Bearer`, rendered as an `Unauthorized` error."""

    default_message = (
        "Sign in first: send the session cookie from POST /api/v1/auth/login, "
        "or an 'Authorization: Bearer <token>' header."
    )

    @property
    def error(self) -> str:
        return "Unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class CsrfFailed(Forbidden):
    """403 for a cookie-authenticated unsafe request without the right CSRF header."""

    default_message = (
        f"Missing or wrong {CSRF_HEADER} header: browser requests that change something must send "
        f"the value of the '{CSRF_COOKIE}' cookie in it (or use an 'Authorization: Bearer' token)."
    )

    @property
    def error(self) -> str:
        return "Forbidden"


class AuthMethod(StrEnum):
    COOKIE = "cookie"
    SESSION_BEARER = "session_bearer"
    API_TOKEN = "api_token"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user and the credential that proved it."""

    user: User
    method: AuthMethod
    session: UserSession | None = None
    api_token: ApiToken | None = None


async def authenticate(db: AsyncSession, request: Request) -> Principal | None:
    """Return the caller, or None without credentials; raise SignInRequired/CsrfFailed when they fail."""
    bearer = _bearer_token(request)
    if bearer is not None:
        return await _from_bearer(db, bearer)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    record, owner = await _live_session(db, cookie)
    if request.method.upper() not in SAFE_METHODS:
        _check_csrf(request, record)
    return Principal(user=_active(owner), method=AuthMethod.COOKIE, session=record)


def _bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


async def _from_bearer(db: AsyncSession, token: str) -> Principal:
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise SignInRequired("The bearer token is missing or malformed: sign in again or create a new token.")
    if token.startswith(API_TOKEN_PREFIX):
        found = await find_api_token(db, token=token)
        if found is None:
            raise SignInRequired("This API token is unknown, revoked or expired: create a new one.")
        api_token, owner = found
        return Principal(user=_active(owner), method=AuthMethod.API_TOKEN, api_token=api_token)
    record, owner = await _live_session(db, token)
    return Principal(user=_active(owner), method=AuthMethod.SESSION_BEARER, session=record)


async def _live_session(db: AsyncSession, token: str) -> tuple[UserSession, User]:
    found = await find_session(db, token=token) if len(token) <= _MAX_TOKEN_LENGTH else None
    if found is None:
        raise SignInRequired("Your session has ended or is not valid: sign in again.")
    return found


def _active(user: User) -> User:
    # The credential's query brought its owner along (one statement per request, not two).
    if not user.is_active:
        raise SignInRequired("This account is disabled or no longer exists.")
    return user


def _check_csrf(request: Request, record: UserSession) -> None:
    header = request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not header or len(header) > _MAX_TOKEN_LENGTH:
        raise CsrfFailed()
    # Both comparisons always run, so timing does not tell which one failed.
    matches_cookie = tokens_equal(header, cookie)
    bound_to_session = tokens_equal(hash_token(header), record.csrf_token_hash)
    if not (matches_cookie and bound_to_session):
        raise CsrfFailed()
