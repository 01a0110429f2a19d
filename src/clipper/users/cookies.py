"""The HTTP side of signing in: the session and CSRF cookies (set on login, cleared on logout) and the
device cookie; the router sets them, the services never see a response."""

from __future__ import annotations

from fastapi import Response

from clipper.config import Settings
from clipper.users.auth import CSRF_COOKIE, SESSION_COOKIE
from clipper.users.sessions import SESSION_MAX_LIFETIME
from clipper.users.throttle import DEVICE_TTL_SECONDS


def _secure(settings: Settings) -> bool:
    return settings.backend_url.lower().startswith("https://")


def set_session_cookies(response: Response, *, settings: Settings, token: str, csrf_token: str) -> None:
    """Set the HttpOnly session cookie and the script-readable CSRF cookie (both SameSite=Lax)."""
    max_age = int(SESSION_MAX_LIFETIME.total_seconds())
    secure = _secure(settings)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax"
    )
    # Not HttpOnly on purpose: the web UI reads it and echoes it in the X-CSRF-Token header.
    response.set_cookie(
        CSRF_COOKIE, csrf_token, max_age=max_age, path="/", secure=secure, httponly=False, samesite="lax"
    )


def clear_session_cookies(response: Response, *, settings: Settings) -> None:
    """Tell the browser to drop both cookies."""
    secure = _secure(settings)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="lax")


DEVICE_COOKIE = "clipper_device"


def set_device_cookie(response: Response, *, settings: Settings, token: str) -> None:
    """Remember this browser as one that signed in before (login throttling counts it on its own)."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_TTL_SECONDS,
        path="/api/v1/auth",
        secure=_secure(settings),
        httponly=True,
        samesite="strict",
    )
