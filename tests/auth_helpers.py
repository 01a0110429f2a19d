"""Sign up and sign in through the API, for any test that needs an authenticated caller.

`signup` (bearer token, no cookies left behind) is what most tests want; `browser_login` gives the
headers a browser would send (session cookie + CSRF header) for tests about cookie authentication.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import httpx

SESSION_COOKIE = "clipper_session"
CSRF_COOKIE = "csrf_token"
# Set on login for login throttling (a browser that signed in before); not a credential.
DEVICE_COOKIE = "clipper_device"
DEFAULT_PASSWORD = "Correct-Horse-Battery-42"

_sequence = itertools.count(1)


@dataclass(frozen=True)
class SignedUp:
    """A registered, signed-in user: `headers` authorize requests as them (`Authorization: Bearer`)."""

    user_id: int
    email: str
    password: str
    token: str
    headers: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class BrowserSession:
    """What a browser holds after login: `headers` carry the cookies and the CSRF header."""

    session_token: str
    csrf_token: str
    headers: dict[str, str] = field(repr=False)

    @property
    def cookie_only(self) -> dict[str, str]:
        """The cookies without the CSRF header (what a cross-site form post would carry)."""
        return {"Cookie": self.headers["Cookie"]}


def unique_email(stem: str = "user") -> str:
    """An email no other test uses."""
    return f"{stem}{next(_sequence)}@example.com"


async def login(client: httpx.AsyncClient, email: str, password: str = DEFAULT_PASSWORD) -> httpx.Response:
    """POST /auth/login and leave no cookies in the client's jar (so later requests stay anonymous)."""
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    forget_session_cookies(client)
    return response


def forget_session_cookies(client: httpx.AsyncClient) -> None:
    """Remove the session, CSRF and device cookies from the client's jar."""
    for name in (SESSION_COOKIE, CSRF_COOKIE, DEVICE_COOKIE):
        client.cookies.delete(name)


async def signup(
    client: httpx.AsyncClient, email: str | None = None, password: str = DEFAULT_PASSWORD
) -> SignedUp:
    """Register a user and sign in; return their id, email and a bearer token."""
    email = email or unique_email()
    registered = await client.post("/api/v1/auth/register", json={"email": email, "password": password})
    assert registered.status_code == 201, registered.text
    response = await login(client, email, password)
    assert response.status_code == 200, response.text
    body = response.json()
    token = body["access_token"]
    return SignedUp(
        user_id=body["user"]["id"],
        email=body["user"]["email"],
        password=password,
        token=token,
        headers={"Authorization": f"Bearer {token}"},
    )


async def browser_login(
    client: httpx.AsyncClient, email: str, password: str = DEFAULT_PASSWORD
) -> BrowserSession:
    """Sign in like the web UI: return the Cookie and X-CSRF-Token headers to send explicitly."""
    response = await login(client, email, password)
    assert response.status_code == 200, response.text
    session_token = response.cookies[SESSION_COOKIE]
    csrf_token = response.cookies[CSRF_COOKIE]
    headers = {
        "Cookie": f"{SESSION_COOKIE}={session_token}; {CSRF_COOKIE}={csrf_token}",
        "X-CSRF-Token": csrf_token,
    }
    return BrowserSession(session_token=session_token, csrf_token=csrf_token, headers=headers)
