"""`/api/v1/auth`: register, login, logout, me, personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from clipper.deps import CurrentPrincipal, CurrentUser, SessionDep, SettingsDep
from clipper.inputs import DbId
from clipper.kv import KeyValueStore
from clipper.users import api_tokens, service
from clipper.users.cookies import clear_session_cookies, set_session_cookies
from clipper.users.models import User
from clipper.users.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPage,
    ApiTokenRead,
    LoginRequest,
    LoginResponse,
    PasswordChange,
    RegisterRequest,
    UserRead,
)
from clipper.users.sessions import session_expires_at

router = APIRouter(prefix="/auth", tags=["auth"])


def _client(request: Request) -> service.ClientInfo:
    host = request.client.host if request.client else "unknown"
    return service.ClientInfo(ip_address=host, user_agent=request.headers.get("User-Agent"))


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def register(data: RegisterRequest, session: SessionDep) -> User:
    """Create an account (email + password); sign in with /auth/login afterwards."""
    return await service.register_user(session, data=data)


@router.post("/login", response_model=LoginResponse)
async def login(
    data: LoginRequest, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> LoginResponse:
    """Open a session: a bearer `access_token`, plus the session and CSRF cookies for browsers."""
    kv: KeyValueStore = request.app.state.kv
    user, issued = await service.login(session, kv=kv, data=data, client=_client(request))
    set_session_cookies(response, settings=settings, token=issued.token, csrf_token=issued.csrf_token)
    response.headers["Cache-Control"] = "no-store"
    return LoginResponse(
        access_token=issued.token,
        expires_at=session_expires_at(issued.record),
        user=UserRead.model_validate(user),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep) -> Response:
    """End the current session and clear the cookies."""
    await service.logout(session, principal=principal)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response


@router.put("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    data: PasswordChange, principal: CurrentPrincipal, request: Request, session: SessionDep
) -> None:
    """Change the password (the current one is required); the user's other sessions end."""
    kv: KeyValueStore = request.app.state.kv
    await service.change_password(session, kv=kv, principal=principal, data=data, client=_client(request))


@router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    """The signed-in user."""
    return user


@router.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=ApiTokenCreated)
async def create_token(
    data: ApiTokenCreate, user: CurrentUser, session: SessionDep, response: Response
) -> ApiTokenCreated:
    """Create a personal API token; its secret is in this response only."""
    response.headers["Cache-Control"] = "no-store"
    issued = await api_tokens.create_api_token(
        session, user=user, name=data.name, expires_in_days=data.expires_in_days
    )
    return ApiTokenCreated.model_validate(
        {**ApiTokenRead.model_validate(issued.record).model_dump(), "token": issued.token}
    )


@router.get("/tokens", response_model=ApiTokenPage)
async def list_tokens(user: CurrentUser, session: SessionDep) -> ApiTokenPage:
    """The user's personal API tokens (prefixes only, never the secrets)."""
    tokens = await api_tokens.list_api_tokens(session, user=user)
    return ApiTokenPage(items=[ApiTokenRead.model_validate(token) for token in tokens])


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(token_id: DbId, user: CurrentUser, session: SessionDep) -> None:
    """Revoke one of the user's API tokens."""
    await api_tokens.revoke_api_token(session, user=user, token_id=token_id)
