"""`/oauth/{platform}/…`: the logins offered, start one (Facebook or Instagram Login), take its callback,
choose accounts, status, disconnect."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from clipper.accounts import notify
from clipper.accounts import service as accounts
from clipper.accounts.models import Account, LoginFlavour
from clipper.accounts.schemas import AccountRead
from clipper.deps import (
    CipherDep,
    CurrentUser,
    EventsDep,
    FactoryDep,
    GraphDep,
    OptionalUserOutsideTransaction,
    SessionDep,
    SettingsDep,
    StatesDep,
    UserOutsideTransaction,
)
from clipper.errors import NotFound
from clipper.oauth.pages import callback_response
from clipper.oauth.schemas import (
    AuthorizationUrl,
    AvailableAccountsPage,
    ConnectionStatus,
    DisconnectRequest,
    LoginFlavours,
    SelectAccountRequest,
)
from clipper.oauth.service import InstagramOAuth
from clipper.oauth.state_store import STATE_TTL_SECONDS

# HttpOnly, SameSite=Lax, path = the callback: ties a state to the browser that asked for it.
NONCE_COOKIE = "clipper_oauth_nonce"

router = APIRouter(prefix="/oauth", tags=["oauth"])


def supported_platform(platform: str) -> str:
    """The path's platform, or a 404 listing the supported ones."""
    if platform not in accounts.SUPPORTED_PLATFORMS:
        raise NotFound(
            f"Unsupported platform '{platform}': supported platforms are "
            + ", ".join(accounts.SUPPORTED_PLATFORMS)
            + "."
        )
    return platform


def get_oauth(settings: SettingsDep, graph: GraphDep, cipher: CipherDep, states: StatesDep) -> InstagramOAuth:
    """The Facebook Login flow on the app's shared Graph client and key-value store."""
    return InstagramOAuth(settings=settings, graph=graph, states=states, cipher=cipher)


def _nonce_cookie_path(oauth: InstagramOAuth) -> str:
    # Only the callback ever needs the cookie: no other request carries it.
    return urlsplit(oauth.redirect_uri).path


def _nonce_cookie_attributes(oauth: InstagramOAuth) -> dict[str, Any]:
    # Set and deleted with the same attributes: a browser matches a cookie by them.
    return {
        "path": _nonce_cookie_path(oauth),
        "secure": oauth.redirect_uri.startswith("https://"),
        "httponly": True,
        "samesite": "lax",
    }


def _set_nonce_cookie(response: Response, *, oauth: InstagramOAuth, nonce: str) -> None:
    response.set_cookie(NONCE_COOKIE, nonce, max_age=STATE_TTL_SECONDS, **_nonce_cookie_attributes(oauth))


Platform = Annotated[str, Depends(supported_platform)]
OAuthDep = Annotated[InstagramOAuth, Depends(get_oauth)]
CheckPlatform = Depends(supported_platform)


@router.get("/instagram/login-flavours", response_model=LoginFlavours)
async def login_flavours(_user: CurrentUser, oauth: OAuthDep) -> LoginFlavours:
    """Which Connect buttons to show: the login flavours this server is configured for."""
    return LoginFlavours(flavours=oauth.login_flavours())


@router.get("/instagram/available-accounts", response_model=AvailableAccountsPage)
async def available_accounts(session: SessionDep, user: CurrentUser, oauth: OAuthDep) -> dict[str, Any]:
    """The Instagram accounts found by the last Facebook Login (kept 30 minutes)."""
    return await oauth.available_accounts(session, user=user)


@router.post("/instagram/select-account", response_model=AccountRead)
async def select_account(
    user: UserOutsideTransaction,
    oauth: OAuthDep,
    hub: EventsDep,
    factory: FactoryDep,
    body: SelectAccountRequest,
) -> Account:
    """Connect one account of the last Facebook Login (call again to connect another)."""
    account = await oauth.select_account(
        factory, user=user, instagram_business_account_id=body.instagram_business_account_id
    )
    await notify.account_updated(hub, account)
    return account


@router.get("/{platform}/authorize", response_model=AuthorizationUrl, dependencies=[CheckPlatform])
async def authorize(
    user: CurrentUser,
    oauth: OAuthDep,
    response: Response,
    redirect: bool = Query(False),
    flavour: LoginFlavour = Query(LoginFlavour.FACEBOOK),
) -> Any:
    """The login dialog URL for the popup; `?redirect=1` answers a 302 to it instead.

    `flavour=facebook` (default): Facebook Login, for an Instagram account linked to a Facebook Page;
    `flavour=instagram`: Instagram Login, for a professional account without a Page.
    Both set the short-lived nonce cookie that lets the callback tell this browser's flow apart.
    """
    flow = "redirect" if redirect else "popup"
    start = await oauth.authorization_url(user=user, flow=flow, flavour=flavour)
    if redirect:
        redirect_response = RedirectResponse(start.url, status_code=302)
        _set_nonce_cookie(redirect_response, oauth=oauth, nonce=start.browser_nonce)
        return redirect_response
    _set_nonce_cookie(response, oauth=oauth, nonce=start.browser_nonce)
    return AuthorizationUrl(authorization_url=start.url)


@router.get("/{platform}/callback", response_class=Response, dependencies=[CheckPlatform])
async def callback(
    request: Request,
    user: OptionalUserOutsideTransaction,
    oauth: OAuthDep,
    settings: SettingsDep,
    hub: EventsDep,
    factory: FactoryDep,
) -> Response:
    """Facebook redirects here: answer a page that reports the result to the opener (or redirect)."""
    params = {key: value for key, value in request.query_params.items() if isinstance(value, str)}
    result = await oauth.handle_callback(
        factory, user=user, params=params, browser_nonce=request.cookies.get(NONCE_COOKIE)
    )
    if result.account is not None:
        await notify.account_updated(hub, result.account)
    response = callback_response(settings, result)
    # The state it guarded is used up either way.
    response.delete_cookie(NONCE_COOKIE, **_nonce_cookie_attributes(oauth))
    return response


@router.get("/{platform}/status", response_model=ConnectionStatus)
async def status(platform: Platform, session: SessionDep, user: CurrentUser) -> ConnectionStatus:
    """The connected accounts of the platform with their health (`action: reconnect` when needed)."""
    found = await accounts.list_accounts(session, user=user, platform=platform)
    items = [AccountRead.model_validate(account) for account in found]
    return ConnectionStatus(
        platform=platform, connected=any(item.is_active for item in items), accounts=items
    )


@router.post("/{platform}/disconnect", response_model=AccountRead, dependencies=[CheckPlatform])
async def disconnect(
    user: UserOutsideTransaction,
    hub: EventsDep,
    graph: GraphDep,
    cipher: CipherDep,
    states: StatesDep,
    factory: FactoryDep,
    body: DisconnectRequest,
) -> Account:
    """Revoke on Meta's side (best effort), delete the tokens and mark the account inactive."""
    account = await accounts.disconnect_account(
        factory, user=user, account_id=body.account_id, graph=graph, cipher=cipher, states=states
    )
    await notify.account_updated(hub, account)
    return account
