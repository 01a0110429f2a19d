"""`/api/v1/auth`: register, login, logout, me, personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from clipper.deps import (
    CurrentPrincipal,
    CurrentUser,
    SessionAfterBody,
    SessionDep,
    SettingsDep,
    get_resources,
)
from clipper.inputs import DbId
from clipper.openapi import limits
from clipper.users import service
from clipper.users.cookies import DEVICE_COOKIE, clear_session_cookies, set_device_cookie, set_session_cookies
from clipper.users.models import User
from clipper.users.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPage,
    ApiTokenRead,
    LoginRequest,
    LoginResponse,
    PasswordChange,
    RegisterAccepted,
    RegisterRequest,
    SessionPage,
    SessionRead,
    UserRead,
)

router = APIRouter(prefix="/auth", tags=["auth"])


def _client(request: Request) -> service.ClientInfo:
    host = request.client.host if request.client else "unknown"
    return service.ClientInfo(
        ip_address=host,
        user_agent=request.headers.get("User-Agent"),
        device_token=request.cookies.get(DEVICE_COOKIE),
    )


_SIGN_UP_NEXT = (
    "Sign in with this email and password. If this email already had an account, nothing changed: "
    "sign in with its existing password."
)


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=RegisterAccepted,
    responses=limits(too_many="Too many sign-ups from this network: wait, then try again."),
)
async def register(
    data: RegisterRequest, request: Request, session: SessionAfterBody, response: Response
) -> RegisterAccepted:
    """Create an account (email + password), then sign in with /auth/login.

    The answer is the same whether or not the email already had an account, so nobody can use sign-up
    to find out who uses this server. The password is hashed before the unit of work opens.
    """
    kv = get_resources(request).kv
    await service.sign_up(session, kv=kv, data=data, client=_client(request))
    response.headers["Cache-Control"] = "no-store"
    return RegisterAccepted(email=data.email, detail=_SIGN_UP_NEXT)


@router.post(
    "/login",
    response_model=LoginResponse,
    responses=limits(too_many="Too many failed sign-in attempts: wait, then try again."),
)
async def login(
    data: LoginRequest,
    request: Request,
    response: Response,
    session: SessionAfterBody,
    settings: SettingsDep,
) -> LoginResponse:
    """Open a session: a bearer `access_token`, plus the session and CSRF cookies for browsers."""
    resources = get_resources(request)
    done = await service.login(
        session, reader=resources.session_factory, kv=resources.kv, data=data, client=_client(request)
    )
    issued = done.issued
    set_session_cookies(response, settings=settings, token=issued.token, csrf_token=issued.csrf_token)
    if done.new_device_token is not None:
        set_device_cookie(response, settings=settings, token=done.new_device_token)
    response.headers["Cache-Control"] = "no-store"
    return LoginResponse(
        access_token=issued.token,
        expires_at=done.expires_at,
        user=UserRead.model_validate(done.user),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    principal: CurrentPrincipal, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """End the current session and clear the cookies."""
    await service.logout(session, principal=principal, hub=get_resources(request).events)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response


@router.put("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    data: PasswordChange, principal: CurrentPrincipal, request: Request, session: SessionDep
) -> None:
    """Change the password (the current one is required); the user's other sessions and API tokens end."""
    resources = get_resources(request)
    await service.change_password(
        session,
        kv=resources.kv,
        hub=resources.events,
        principal=principal,
        data=data,
        client=_client(request),
    )


@router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    """The signed-in user."""
    return user


@router.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=ApiTokenCreated)
async def create_token(
    data: ApiTokenCreate, principal: CurrentPrincipal, session: SessionDep, response: Response
) -> ApiTokenCreated:
    """Create a personal API token (signed in with a session, not another token); its secret is shown once."""
    response.headers["Cache-Control"] = "no-store"
    issued = await service.create_api_token(
        session, principal=principal, name=data.name, expires_in_days=data.expires_in_days
    )
    return ApiTokenCreated.model_validate(
        {**ApiTokenRead.model_validate(issued.record).model_dump(), "token": issued.token}
    )


@router.get("/tokens", response_model=ApiTokenPage)
async def list_tokens(user: CurrentUser, session: SessionDep) -> ApiTokenPage:
    """The user's personal API tokens (prefixes only, never the secrets)."""
    tokens = await service.list_api_tokens(session, user=user)
    return ApiTokenPage(items=[ApiTokenRead.model_validate(token) for token in tokens])


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(token_id: DbId, user: CurrentUser, request: Request, session: SessionDep) -> None:
    """Revoke one of the user's API tokens."""
    await service.revoke_api_token(session, user=user, token_id=token_id, hub=get_resources(request).events)


@router.get("/sessions", response_model=SessionPage)
async def list_sessions(principal: CurrentPrincipal, session: SessionDep) -> SessionPage:
    """The user's live sessions (browsers and clients signed in), most recently used first."""
    current = principal.session.id if principal.session else None
    records = await service.list_live_sessions(session, user=principal.user)
    items = [
        SessionRead.model_validate(record).model_copy(update={"current": record.id == current})
        for record in records
    ]
    return SessionPage(items=items)


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_session(session_id: DbId, user: CurrentUser, request: Request, session: SessionDep) -> None:
    """Sign one session out (it may be this one); its live-update streams close."""
    await service.revoke_session(session, user=user, session_id=session_id, hub=get_resources(request).events)
